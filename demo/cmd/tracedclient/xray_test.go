// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
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

// TestXRayBridgeExportsSpansAsTheAWSXRayReceiverMakesThem: with -xray-otlp-endpoint the
// segments become OTLP spans: per call a SERVER span for the segment and a CLIENT span
// with the printed trace and span IDs and the request ID as aws.request_id.
func TestXRayBridgeExportsSpansAsTheAWSXRayReceiverMakesThem(t *testing.T) {
	emu, url := startEmulator(t)
	otlp := startOTLP(t)
	recs := runClient(t, "-endpoint", url, "-mode", "xray", "-xray-otlp-endpoint", otlp.URL, "-calls", "7")
	require.Len(t, recs, 7)
	spans := otlp.spans()
	require.Len(t, spans, 14, "a segment and a subsegment per call, each once")
	for _, rec := range recs {
		sp, ok := spans[rec.SpanID]
		require.True(t, ok, "%+v", rec)
		assert.Equal(t, rec.TraceID, sp.TraceID().String())
		assert.Equal(t, ptrace.SpanKindClient, sp.Kind())
		assert.Equal(t, "LookoutMetrics", sp.Name())
		rid, _ := sp.Attributes().Get("aws.request_id")
		assert.Equal(t, rec.RequestID, rid.Str())
		op, _ := sp.Attributes().Get("aws.operation")
		assert.Equal(t, rec.Operation, op.Str())
		parent, ok := spans[sp.ParentSpanID().String()]
		require.True(t, ok, "the segment of %+v", rec)
		assert.Equal(t, ptrace.SpanKindServer, parent.Kind())
		assert.Equal(t, sp.TraceID(), parent.TraceID())
		assert.True(t, parent.ParentSpanID().IsEmpty())
		assert.LessOrEqual(t, parent.StartTimestamp(), sp.StartTimestamp())
		assert.GreaterOrEqual(t, parent.EndTimestamp(), sp.EndTimestamp())
	}
	assert.ElementsMatch(t, lmRequestIDs(emu), requestIDsOf(recs))
}

func TestXRayBridgeRejectsBadSegments(t *testing.T) {
	for name, doc := range map[string]string{
		"no header":      `{"trace_id":"1-5759e988-bd862e3fe1be46a994272793","id":"53995c3f42cd8ad8"}`,
		"not JSON":       "{\"format\":\"json\",\"version\":1}\n{",
		"bad trace ID":   "{\"format\":\"json\",\"version\":1}\n" + `{"trace_id":"5759e988","id":"53995c3f42cd8ad8"}`,
		"bad segment ID": "{\"format\":\"json\",\"version\":1}\n" + `{"trace_id":"1-5759e988-bd862e3fe1be46a994272793","id":"xyz"}`,
	} {
		t.Run(name, func(t *testing.T) {
			b := &xrayBridge{endpoint: "http://127.0.0.1:1/v1/traces", client: http.DefaultClient}
			assert.Error(t, b.forward([]byte(doc)))
		})
	}
}

func TestXRayBridgeCloseReportsMissingSegments(t *testing.T) {
	otlp := startOTLP(t)
	b, _, err := startXRayBridge(otlp.URL + "/v1/traces")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorContains(t, b.close(ctx, 1), "0 of 1 segments received")
}
