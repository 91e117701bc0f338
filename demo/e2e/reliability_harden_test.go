// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	_ "google.golang.org/grpc/encoding/gzip" // the OTLP exporter compresses with gzip
	"google.golang.org/grpc/status"
)

// Scenario: the emulator's clock (and the Date of its responses) runs 10 minutes behind
// the host's, and events become visible up to 8 s late with max_event_delay 10 s: a host
// clock that decided what is settled would skip every late event. 0 lost.
func TestReliabilitySkewedServerClock(t *testing.T) {
	otelcol, emuBin := binaries(t)
	window, workload := 10*time.Second, 12*time.Second
	if full {
		workload = 60 * time.Second
	}
	emu := live(t, emuBin, 5, workload, "-clock-offset", "-10m", "-delivery-delay-min", "2s", "-delivery-delay-max", "8s")
	snk := startSink(t, otelcol)
	a := newAgent(t, otelcol, emu.url, snk.endpoint(), agentSettings{startAt: "30m", maxEventDelay: window, rps: 2, retryElapsed: 30 * time.Second})
	began := time.Now()
	a.start()
	time.Sleep(workload + 8*time.Second + 4*time.Second) // every event visible, and polled
	evs := emulatorEvents(t, emu.url)
	require.NotEmpty(t, evs)
	ids := idsOfEvents(evs)
	waitDelivered(t, snk, ids, 30*time.Second)
	delivered, lost, dups := tally(ids, snk.eventIDs(t))
	skew := a.metric(t, "otelcol_receiver_awscloudtrail_clock_skew")
	addOutcome(outcome{scenario: "skewed server clock (-10m, events up to 8s late, window 10s)", expected: len(ids),
		delivered: delivered, lost: lost, duplicated: dups, took: time.Since(began),
		notes: fmt.Sprintf("clock skew gauge %.0fs; the skew was logged: %t", skew,
			strings.Contains(a.out.String(), "Host clock differs"))})
	assert.Zero(t, lost)
	assert.Zero(t, dups)
	assert.InDelta(t, -600, skew, 2)
}

// Scenario: the downstream refuses, permanently (gRPC InvalidArgument), any batch that
// holds one poisoned record. Everything else is delivered, the poisoned record is counted
// as refused, and the stream goes on.
func TestReliabilityPoisonedRecord(t *testing.T) {
	otelcol, emuBin := binaries(t)
	n := 300
	if full {
		n = 3000
	}
	emu, ids := seeded(t, emuBin, n, "-1")
	poisoned := ids[n/3]
	snk := startPoisonSink(t, poisoned)
	a := newAgent(t, otelcol, emu.url, snk.addr, agentSettings{startAt: "2h", maxEventDelay: 15 * time.Second, rps: 20, retryElapsed: 5 * time.Second})
	began := time.Now()
	a.start()
	want := make([]string, 0, n-1)
	for _, id := range ids {
		if id != poisoned {
			want = append(want, id)
		}
	}
	assert.Eventually(t, func() bool {
		_, lost, _ := tally(want, snk.ids())
		return lost == 0
	}, 5*time.Minute, 500*time.Millisecond)
	require.Eventually(t, func() bool {
		return a.metric(t, "otelcol_receiver_awscloudtrail_events_refused") >= 1
	}, 30*time.Second, 200*time.Millisecond)
	delivered, lost, dups := tally(want, snk.ids())
	refused := a.metric(t, "otelcol_receiver_awscloudtrail_events_refused")
	addOutcome(outcome{scenario: "poisoned record (downstream refuses one record for good)", expected: len(want),
		delivered: delivered, lost: lost, duplicated: dups, took: time.Since(began),
		notes: fmt.Sprintf("refused and counted: %.0f; batches refused by the sink: %d", refused, snk.refusals())})
	assert.Zero(t, lost)
	assert.Zero(t, dups)
	assert.Equal(t, 1.0, refused)
	assert.Zero(t, snk.ids()[poisoned])
}

// poisonSink is an OTLP/gRPC logs server that refuses any batch holding the poisoned
// event ID with InvalidArgument (a permanent error for the OTLP exporter) and keeps the
// event IDs of the batches it accepts.
type poisonSink struct {
	plogotlp.UnimplementedGRPCServer
	addr     string
	poisoned string
	mu       sync.Mutex
	got      map[string]int
	refused  int
}

func startPoisonSink(t *testing.T, poisoned string) *poisonSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &poisonSink{addr: ln.Addr().String(), poisoned: poisoned, got: map[string]int{}}
	srv := grpc.NewServer()
	plogotlp.RegisterGRPCServer(srv, s)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return s
}

func (s *poisonSink) Export(_ context.Context, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	var ids []string
	ld := req.Logs()
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		sls := ld.ResourceLogs().At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				ids = append(ids, eventIDOf(lrs.At(k)))
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if id == s.poisoned {
			s.refused++
			return plogotlp.NewExportResponse(), status.Errorf(codes.InvalidArgument, "record %s violates the index mapping", id)
		}
	}
	for _, id := range ids {
		s.got[id]++
	}
	return plogotlp.NewExportResponse(), nil
}

func eventIDOf(lr plog.LogRecord) string {
	v, _ := lr.Attributes().Get("aws.cloudtrail.event_id")
	return v.Str()
}

func (s *poisonSink) ids() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.got))
	for k, v := range s.got {
		out[k] = v
	}
	return out
}

func (s *poisonSink) refusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}
