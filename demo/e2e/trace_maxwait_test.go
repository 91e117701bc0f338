// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTraceContextWithMaxWait is TestTraceContextOnCloudTrailLogs with the spans sent
// after their records: the test holds every span back (OTLP requests, from otelaws and
// from the X-Ray client's segments turned into spans) until the receiver has handed every call's record to the pipeline, so the
// awsrequestid processor must hold the records (max_wait) and stamp them when the spans
// come. Every traced record is stamped, nothing is lost or doubled, and the receiver's
// accepted count equals the calls made.
func TestTraceContextWithMaxWait(t *testing.T) {
	otelcol, emuBin := binaries(t)
	traced := os.Getenv("TRACEDCLIENT_BIN")
	if traced == "" {
		t.Skip("needs TRACEDCLIENT_BIN; `make test` builds it")
	}
	emu := startEmulator(t, emuBin, "-delivery-delay-min", "1s", "-delivery-delay-max", "4s")
	otlpPort := freePort(t)
	otlp := newHeldOTLP(t)
	col := &collector{output: filepath.Join(t.TempDir(), "logs.json"), metricsPort: freePort(t)}
	col.process = start(t, "otelcol-cloudtrail", childEnv(
		"E2E_EMULATOR_URL="+emu.url, outputEnv(t, col.output), "E2E_METRICS_PORT="+strconv.Itoa(col.metricsPort),
		"E2E_OTLP_PORT="+strconv.Itoa(otlpPort),
	), otelcol, "--config", maxWaitConfig(t, "90s"))
	col.waitForLine(t, "Everything is ready", 60*time.Second)

	common := []string{"-endpoint", emu.url}
	calls := runTracedClient(t, traced, "otel", 21, append(common, "-otlp-endpoint", otlp.url)...)
	calls = append(calls, runTracedClient(t, traced, "xray", 21, append(common, "-xray-otlp-endpoint", otlp.url)...)...)
	calls = append(calls, runTracedClient(t, traced, "none", 7, common...)...)

	// Every record reaches the pipeline while no span has: the traced ones are held.
	const emitted = "otelcol_receiver_awscloudtrail_events_emitted"
	require.Eventually(t, func() bool { return anyMetric(t, col, emitted) >= float64(len(calls)) },
		time.Minute, 250*time.Millisecond, "the receiver hands every call's record to the pipeline")
	held := anyMetric(t, col, "otelcol_processor_awsrequestid_logs_held")
	assert.GreaterOrEqual(t, held, 42.0, "the 42 traced records are held")
	for _, r := range col.records(t) {
		assert.True(t, r.lr.TraceID().IsEmpty(), "no span arrived: %s is not stamped", r.attr("aws.request_id"))
	}

	// A held batch leaves whole, when all its records are stamped or max_wait (90s) passes:
	// the untraced calls' records never get a span, so their batches leave at max_wait,
	// stamped with the spans released now.
	otlp.release(t, fmt.Sprintf("http://127.0.0.1:%d/v1/traces", otlpPort))

	counts := map[string]int{}
	byRequest := map[string]record{}
	require.Eventually(t, func() bool {
		clear(counts)
		for _, r := range col.records(t) {
			counts[r.attr("aws.request_id")]++
			byRequest[r.attr("aws.request_id")] = r
		}
		for _, c := range calls {
			if counts[c.RequestID] == 0 {
				return false
			}
		}
		return true
	}, 3*time.Minute, 250*time.Millisecond, "every call's record is exported")

	stamped := map[string]int{}
	for _, c := range calls {
		assert.Equal(t, 1, counts[c.RequestID], "%s %s exported once", c.Mode, c.RequestID)
		lr := byRequest[c.RequestID].lr
		if c.Mode == "none" {
			assert.True(t, lr.TraceID().IsEmpty(), "untraced %s carries a trace", c.RequestID)
			continue
		}
		if assert.Equal(t, c.TraceID, lr.TraceID().String(), "%s %s trace", c.Mode, c.RequestID) &&
			assert.Equal(t, c.SpanID, lr.SpanID().String(), "%s %s span", c.Mode, c.RequestID) {
			stamped[c.Mode]++
		}
	}
	assert.Equal(t, 21, stamped["otel"], "every otelaws call, its span sent after its record")
	assert.Equal(t, 21, stamped["xray"], "every X-Ray call, its segment sent after its record")
	assert.InDelta(t, float64(len(calls)), anyMetric(t, col, emitted), 0, "the receiver's accepted count is the calls made")
	assert.Zero(t, anyMetric(t, col, "otelcol_processor_awsrequestid_logs_dropped"))
	require.Eventually(t, func() bool { return anyMetric(t, col, "otelcol_processor_awsrequestid_logs_held") == 0 },
		10*time.Second, 250*time.Millisecond)
	t.Logf("spans after their records: stamped otelaws %d/21, X-Ray %d/21; %v records were held", stamped["otel"], stamped["xray"], held)
}

// anyMetric reads a metric under its name with or without the _total suffix that
// Prometheus naming may add to counters.
func anyMetric(t *testing.T, col *collector, name string) float64 {
	t.Helper()
	return col.metric(t, name) + col.metric(t, name+"_total")
}

// maxWaitConfig writes the correlation test's collector config with max_wait set to d.
func maxWaitConfig(t *testing.T, d string) string {
	t.Helper()
	b, err := os.ReadFile("../../testdata/e2e/traces.yaml")
	require.NoError(t, err)
	require.Contains(t, string(b), "max_wait: 10s")
	path := filepath.Join(t.TempDir(), "traces_maxwait.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), "max_wait: 10s", "max_wait: "+d, 1)), 0o600))
	return path
}

// heldOTLP accepts OTLP/HTTP export requests and keeps them until release sends them on.
type heldOTLP struct {
	url  string
	mu   sync.Mutex
	reqs []heldRequest
}

type heldRequest struct {
	header http.Header
	body   []byte
}

func newHeldOTLP(t *testing.T) *heldOTLP {
	h := &heldOTLP{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.reqs = append(h.reqs, heldRequest{header: r.Header.Clone(), body: body})
		h.mu.Unlock()
		w.WriteHeader(http.StatusOK) // an empty body: full success
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL // the clients append /v1/traces
	return h
}

func (h *heldOTLP) release(t *testing.T, to string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	require.NotEmpty(t, h.reqs, "the traced clients exported their spans")
	for _, r := range h.reqs {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(r.body))
		require.NoError(t, err)
		for _, k := range []string{"Content-Type", "Content-Encoding"} {
			if v := r.header.Get(k); v != "" {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		cancel()
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
}
