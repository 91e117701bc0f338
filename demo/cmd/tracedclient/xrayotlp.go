// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// xraySegment is the part of an X-Ray segment document (or subsegment) that becomes a
// span.
type xraySegment struct {
	TraceID     string         `json:"trace_id"`
	ID          string         `json:"id"`
	ParentID    string         `json:"parent_id"`
	Name        string         `json:"name"`
	Namespace   string         `json:"namespace"`
	StartTime   float64        `json:"start_time"`
	EndTime     float64        `json:"end_time"`
	Fault       bool           `json:"fault"`
	Error       bool           `json:"error"`
	AWS         map[string]any `json:"aws"`
	Subsegments []xraySegment  `json:"subsegments"`
}

// xrayBridge is a local X-Ray daemon: it receives the SDK's segment documents over UDP
// and exports them as OTLP/HTTP spans, made as the collector's awsxray receiver makes
// them: the trace ID is the hex digits of the X-Ray trace ID, each (sub)segment keeps
// its ID as span ID, a segment is a SERVER span and a subsegment of namespace aws or
// remote a CLIENT span with aws.operation, aws.region and aws.request_id.
type xrayBridge struct {
	conn     net.PacketConn
	endpoint string
	client   *http.Client

	mu       sync.Mutex
	received int
	changed  chan struct{} // closed and renewed on every document
	errs     []error
	done     chan struct{}
}

// startXRayBridge listens on a free loopback UDP port; daemonAddr is the address to
// give the X-Ray SDK.
func startXRayBridge(endpoint string) (b *xrayBridge, daemonAddr string, err error) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	b = &xrayBridge{conn: conn, endpoint: endpoint, client: &http.Client{Timeout: 10 * time.Second},
		changed: make(chan struct{}), done: make(chan struct{})}
	go b.serve()
	return b, conn.LocalAddr().String(), nil
}

func (b *xrayBridge) serve() {
	defer close(b.done)
	buf := make([]byte, 64<<10)
	for {
		n, _, err := b.conn.ReadFrom(buf)
		if err != nil {
			return // closed
		}
		err = b.forward(buf[:n])
		b.mu.Lock()
		b.received++
		if err != nil {
			b.errs = append(b.errs, err)
		}
		close(b.changed)
		b.changed = make(chan struct{})
		b.mu.Unlock()
	}
}

// forward exports one daemon datagram: a JSON header line, then the segment.
func (b *xrayBridge) forward(datagram []byte) error {
	_, body, ok := bytes.Cut(datagram, []byte("\n"))
	if !ok {
		return errors.New("x-ray datagram without a header line")
	}
	var seg xraySegment
	if err := json.Unmarshal(body, &seg); err != nil {
		return fmt.Errorf("x-ray segment: %w", err)
	}
	td, err := segmentTraces(seg)
	if err != nil {
		return err
	}
	payload, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		return err
	}
	resp, err := b.client.Post(b.endpoint, "application/x-protobuf", bytes.NewReader(payload))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("OTLP export: HTTP %d", resp.StatusCode)
	}
	return nil
}

// close waits, until ctx is done, for n segment documents in all, then stops.
func (b *xrayBridge) close(ctx context.Context, n int) error {
	var err error
	for err == nil {
		b.mu.Lock()
		got, changed := b.received, b.changed
		b.mu.Unlock()
		if got >= n {
			break
		}
		select {
		case <-changed:
		case <-ctx.Done():
			err = fmt.Errorf("x-ray bridge: %d of %d segments received", got, n)
		}
	}
	_ = b.conn.Close()
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	return errors.Join(append(b.errs, err)...)
}

// segmentTraces turns a segment and its subsegments into spans.
func segmentTraces(seg xraySegment) (ptrace.Traces, error) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", seg.Name)
	ss := rs.ScopeSpans().AppendEmpty()
	traceID, err := otelTraceIDBytes(seg.TraceID)
	if err != nil {
		return td, err
	}
	return td, addSpan(ss.Spans(), traceID, seg, "", true)
}

func addSpan(spans ptrace.SpanSlice, traceID pcommon.TraceID, seg xraySegment, parent string, root bool) error {
	var id pcommon.SpanID
	if n, err := hex.Decode(id[:], []byte(seg.ID)); err != nil || n != len(id) {
		return fmt.Errorf("x-ray segment ID %q", seg.ID)
	}
	sp := spans.AppendEmpty()
	sp.SetTraceID(traceID)
	sp.SetSpanID(id)
	if parent == "" {
		parent = seg.ParentID
	}
	if parent != "" {
		var pid pcommon.SpanID
		if n, err := hex.Decode(pid[:], []byte(parent)); err == nil && n == len(pid) {
			sp.SetParentSpanID(pid)
		}
	}
	sp.SetName(seg.Name)
	sp.SetStartTimestamp(epochTimestamp(seg.StartTime))
	sp.SetEndTimestamp(epochTimestamp(seg.EndTime))
	switch {
	case root:
		sp.SetKind(ptrace.SpanKindServer)
	case seg.Namespace == "aws" || seg.Namespace == "remote":
		sp.SetKind(ptrace.SpanKindClient)
	default:
		sp.SetKind(ptrace.SpanKindInternal)
	}
	if seg.Fault || seg.Error {
		sp.Status().SetCode(ptrace.StatusCodeError)
	}
	for _, k := range []string{"operation", "region", "request_id"} {
		if v, ok := seg.AWS[k].(string); ok && v != "" {
			sp.Attributes().PutStr("aws."+k, v)
		}
	}
	for _, sub := range seg.Subsegments {
		if err := addSpan(spans, traceID, sub, seg.ID, false); err != nil {
			return err
		}
	}
	return nil
}

// otelTraceIDBytes is otelTraceID as bytes.
func otelTraceIDBytes(xrayID string) (pcommon.TraceID, error) {
	var id pcommon.TraceID
	h := otelTraceID(xrayID)
	if n, err := hex.Decode(id[:], []byte(h)); err != nil || n != len(id) || strings.Count(xrayID, "-") != 2 {
		return id, fmt.Errorf("x-ray trace ID %q", xrayID)
	}
	return id, nil
}

func epochTimestamp(sec float64) pcommon.Timestamp {
	whole, frac := math.Modf(sec)
	return pcommon.NewTimestampFromTime(time.Unix(int64(whole), int64(frac*1e9)))
}
