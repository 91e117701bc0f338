package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/awsxrayreceiver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

// segment is the part of an X-Ray segment document the test reads.
type segment struct {
	TraceID     string `json:"trace_id"`
	ID          string `json:"id"`
	Name        string `json:"name"`
	Subsegments []struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
		ParentID  string `json:"parent_id"`
		AWS       struct {
			Operation string `json:"operation"`
			RequestID string `json:"request_id"`
		} `json:"aws"`
	} `json:"subsegments"`
}

// readSegments reads n segment documents sent to conn.
func readSegments(t *testing.T, conn net.PacketConn, n int) []segment {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	var segs []segment
	buf := make([]byte, 64<<10)
	for len(segs) < n {
		k, _, err := conn.ReadFrom(buf)
		require.NoError(t, err)
		header, body, ok := bytes.Cut(buf[:k], []byte("\n"))
		require.True(t, ok)
		assert.JSONEq(t, `{"format": "json", "version": 1}`, string(header))
		var seg segment
		require.NoError(t, json.Unmarshal(body, &seg), string(body))
		segs = append(segs, seg)
	}
	return segs
}

func TestXRayModeSendsSegmentsWithTheirRequestIDs(t *testing.T) {
	emu, url := startEmulator(t)
	daemon, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer daemon.Close()
	recs := runClient(t, "-endpoint", url, "-mode", "xray", "-xray-daemon", daemon.LocalAddr().String(), "-calls", "7")
	require.Len(t, recs, 7)
	segs := map[string]segment{} // by the ID of their subsegment
	for _, seg := range readSegments(t, daemon, 7) {
		require.Len(t, seg.Subsegments, 1, "one client subsegment per call, listed once")
		segs[seg.Subsegments[0].ID] = seg
	}
	for _, rec := range recs {
		seg, ok := segs[rec.SpanID]
		require.True(t, ok, "%+v", rec)
		assert.Equal(t, "tracedclient", seg.Name)
		sub := seg.Subsegments[0]
		assert.Equal(t, "LookoutMetrics", sub.Name)
		assert.Equal(t, "aws", sub.Namespace)
		assert.Equal(t, seg.ID, sub.ParentID)
		assert.Equal(t, rec.Operation, sub.AWS.Operation)
		assert.Equal(t, rec.RequestID, sub.AWS.RequestID, "the subsegment carries the x-amzn-RequestId")
		assert.Equal(t, rec.TraceID, otelTraceID(seg.TraceID))
		assert.Len(t, rec.TraceID, 32)
	}
	assert.ElementsMatch(t, lmRequestIDs(emu), requestIDsOf(recs))
}

// TestXRayReceiverTurnsSegmentsIntoSpans sends the segments to the contrib awsxray
// receiver: the client span it makes of each call has the printed trace and span IDs and
// the request ID as aws.request_id.
func TestXRayReceiverTurnsSegmentsIntoSpans(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	_, url := startEmulator(t)
	sink := new(consumertest.TracesSink)
	addr := startXRayReceiver(t, sink)
	recs := runClient(t, "-endpoint", url, "-mode", "xray", "-xray-daemon", addr, "-calls", "7")
	require.Eventually(t, func() bool { return sink.SpanCount() == 14 }, 10*time.Second, 5*time.Millisecond)
	spans := map[string]ptrace.Span{}
	for _, td := range sink.AllTraces() {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, sp := range ss.Spans().All() {
					spans[sp.SpanID().String()] = sp
				}
			}
		}
	}
	for _, rec := range recs {
		sp, ok := spans[rec.SpanID]
		require.True(t, ok, "%+v", rec)
		assert.Equal(t, rec.TraceID, sp.TraceID().String())
		assert.Equal(t, ptrace.SpanKindClient, sp.Kind())
		rid, _ := sp.Attributes().Get("aws.request_id")
		assert.Equal(t, rec.RequestID, rid.Str())
	}
}

func startXRayReceiver(t *testing.T, next *consumertest.TracesSink) string {
	t.Helper()
	free, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := free.LocalAddr().String()
	require.NoError(t, free.Close())
	f := awsxrayreceiver.NewFactory()
	cfg := f.CreateDefaultConfig().(*awsxrayreceiver.Config)
	cfg.Endpoint = addr
	cfg.ProxyServer.Endpoint = "127.0.0.1:0"
	cfg.ProxyServer.Region = "us-east-1"
	cfg.ProxyServer.LocalMode = true
	r, err := f.CreateTraces(context.Background(), receivertest.NewNopSettings(f.Type()), cfg, next)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	return addr
}
