// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadatatest"
)

var signatureRE = regexp.MustCompile(`Signature=([0-9a-f]{64})`)

// frontDoor stands in front of the emulator: it keeps the SigV4 signature of every
// request, and answers in the emulator's place while an override is set.
type frontDoor struct {
	override atomic.Pointer[http.HandlerFunc]
	mu       sync.Mutex
	sigs     []string
}

// newFrontHarness is newHarness with a frontDoor.
func newFrontHarness(t *testing.T, opts awsemu.Options) (*harness, *frontDoor) {
	t.Helper()
	srv := awsemu.New(opts)
	h := &harness{t: t, srv: srv, host: newTestHost(), tel: componenttest.NewTelemetry(), sts: newLocalSTS(t)}
	fd := &frontDoor{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := signatureRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			fd.mu.Lock()
			fd.sigs = append(fd.sigs, m[1])
			fd.mu.Unlock()
		}
		if o := fd.override.Load(); o != nil {
			(*o)(w, r)
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = h.tel.Shutdown(context.Background()) })
	h.url = ts.URL
	return h, fd
}

// answer makes the front door answer every request with status, content type and body;
// nil hands requests to the emulator again.
func (fd *frontDoor) answer(status int, ctype, body string) {
	if status == 0 {
		fd.override.Store(nil)
		return
	}
	f := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
	fd.override.Store(&f)
}

func (fd *frontDoor) signatures() []string {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	return append([]string(nil), fd.sigs...)
}

// logBuffer is what a Debug-level zap logger wrote, as JSON lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) Sync() error { return nil }

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger() *zap.Logger {
	enc := zapcore.NewJSONEncoder(zap.NewDevelopmentEncoderConfig())
	return zap.New(zapcore.NewCore(enc, l, zapcore.DebugLevel))
}

// waits drives a receiver's polls after the first, like ticks, and records every delay
// the receiver asked for.
type waits struct {
	c  chan time.Time
	mu sync.Mutex
	d  []time.Duration
}

func newWaits() *waits { return &waits{c: make(chan time.Time)} }

func (w *waits) timer(d time.Duration) <-chan time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return w.c
}

// last is the delay asked for after the last poll.
func (w *waits) last() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.d) == 0 {
		return 0
	}
	return w.d[len(w.d)-1]
}

// shorterThan is how many of the delays asked for were shorter than d.
func (w *waits) shorterThan(d time.Duration) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, got := range w.d {
		if got < d {
			n++
		}
	}
	return n
}

func (w *waits) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.d)
}

// first waits until the first poll, which Start begins, has been reported.
func (w *waits) first(t *testing.T) {
	t.Helper()
	require.Eventually(t, func() bool { return w.count() > 0 }, 30*time.Second, 5*time.Millisecond)
}

// poll starts one more poll and waits until it has been reported (the receiver asked
// for the next wait).
func (w *waits) poll(t *testing.T) {
	t.Helper()
	n := w.count()
	w.c <- time.Now()
	require.Eventually(t, func() bool { return w.count() > n }, 30*time.Second, 5*time.Millisecond)
}

// startLogged starts a receiver that logs to logger; polls after the first wait for w.
func (h *harness) startLogged(cfg *Config, next consumer.Logs, w *waits, logger *zap.Logger) *cloudtrailReceiver {
	h.t.Helper()
	require.NoError(h.t, cfg.Validate())
	set := metadatatest.NewSettings(h.tel)
	set.Logger = logger
	r, err := newReceiver(set, cfg, next)
	require.NoError(h.t, err)
	r.timer = w.timer
	require.NoError(h.t, r.Start(context.Background(), h.host))
	return r
}

// gate is a consumer that refuses batches while closed.
type gate struct {
	closed atomic.Bool
	sink   consumertest.LogsSink
}

func (g *gate) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (g *gate) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if g.closed.Load() {
		return errRefused
	}
	return g.sink.ConsumeLogs(ctx, ld)
}
