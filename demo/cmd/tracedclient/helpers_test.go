// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.uber.org/goleak"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/lmemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// startEmulator serves the emulator on loopback until the test ends.
func startEmulator(t *testing.T) (*awsemu.Server, string) {
	t.Helper()
	srv := lmemu.New(awsemu.Options{})
	url, err := srv.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return srv, url
}

// runClient runs the command with args and returns the records it printed.
func runClient(t *testing.T, args ...string) []callRecord {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	require.Equal(t, 0, code, "stderr: %s", stderr.String())
	var recs []callRecord
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var rec callRecord
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec), sc.Text())
		recs = append(recs, rec)
	}
	return recs
}

// lmRequestIDs returns the request IDs the emulator answered Lookout for Metrics calls with.
func lmRequestIDs(srv *awsemu.Server) []string {
	var ids []string
	for _, r := range srv.Requests() {
		if r.Operation != "LookupEvents" {
			ids = append(ids, r.RequestID)
		}
	}
	return ids
}

// otlpServer is an OTLP/HTTP traces endpoint that keeps what it receives.
type otlpServer struct {
	*httptest.Server
	mu     sync.Mutex
	traces []ptrace.Traces
}

func startOTLP(t *testing.T) *otlpServer {
	s := &otlpServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		req := ptraceotlp.NewExportRequest()
		if err != nil || r.URL.Path != "/v1/traces" || req.UnmarshalProto(body) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.traces = append(s.traces, req.Traces())
		s.mu.Unlock()
		resp, _ := ptraceotlp.NewExportResponse().MarshalProto()
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(resp)
	}))
	t.Cleanup(s.Close)
	return s
}

// spans returns the spans received, by span ID (hex).
func (s *otlpServer) spans() map[string]ptrace.Span {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]ptrace.Span{}
	for _, td := range s.traces {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, sp := range ss.Spans().All() {
					out[sp.SpanID().String()] = sp
				}
			}
		}
	}
	return out
}
