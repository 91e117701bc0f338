// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/aws/aws-xray-sdk-go/instrumentation/awsv2"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	"github.com/aws/aws-xray-sdk-go/xray"
	"github.com/aws/aws-xray-sdk-go/xraylog"
)

// traceAll is a local sampling rule set that traces every call.
const traceAll = `{"version": 2, "default": {"fixed_target": 1, "rate": 1.0}, "rules": []}`

// xrayInstrumentation traces with the X-Ray SDK's instrumentor under a segment per call,
// sent to the daemon at addr when the segment closes.
func xrayInstrumentation(service, addr string, stderr io.Writer) (*instrumentation, *onceEmitter, error) {
	strategy, err := sampling.NewLocalizedStrategyFromJSONBytes([]byte(traceAll))
	if err != nil {
		return nil, nil, err
	}
	emitter, err := newOnceEmitter()
	if err != nil {
		return nil, nil, err
	}
	xray.SetLogger(xraylog.NewDefaultLogger(stderr, xraylog.LogLevelWarn))
	if err := xray.Configure(xray.Config{DaemonAddr: addr, SamplingStrategy: strategy, Emitter: emitter}); err != nil {
		return nil, nil, err
	}
	in := &instrumentation{shutdown: func(context.Context) error { return nil }}
	awsv2.AWSV2Instrumentor(&in.apiOptions)
	in.begin = func(ctx context.Context, _ string) (context.Context, func(error)) {
		ctx, seg := xray.BeginSegment(ctx, service)
		return ctx, seg.Close
	}
	in.ids = func(ctx context.Context) (string, string) {
		sub := xray.GetSegment(ctx)
		if sub == nil || sub.ParentSegment == nil {
			return "", ""
		}
		return otelTraceID(sub.ParentSegment.TraceID), sub.ID
	}
	return in, emitter, nil
}

// otelTraceID turns an X-Ray trace ID ("1-5759e988-bd862e3fe1be46a994272793") into the
// trace ID the awsxray receiver gives its spans: the hex digits after the version.
func otelTraceID(xrayID string) string {
	parts := strings.Split(xrayID, "-")
	if len(parts) != 3 {
		return ""
	}
	return parts[1] + parts[2]
}

// onceEmitter is the X-Ray SDK's UDP emitter, but emits a segment only once. In
// aws-xray-sdk-go v1.8.5, Segment.Close cancels the segment's context before it sends the
// segment, so the goroutine that BeginSegment started for that context races Close to
// send it: now and then a segment goes out twice, the second time with every subsegment
// listed twice (the emitter appends them to the segment again).
type onceEmitter struct {
	inner  *xray.DefaultEmitter
	mu     sync.Mutex
	recent [64]*xray.Segment // the segments emitted last; the duplicate follows at once
	next   int
	sent   int // segments passed on
}

func newOnceEmitter() (*onceEmitter, error) {
	inner, err := xray.NewDefaultEmitter(&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2000})
	if err != nil {
		return nil, err
	}
	return &onceEmitter{inner: inner}, nil
}

func (e *onceEmitter) Emit(seg *xray.Segment) {
	e.mu.Lock()
	for _, s := range e.recent {
		if s == seg {
			e.mu.Unlock()
			return
		}
	}
	e.recent[e.next] = seg
	e.next = (e.next + 1) % len(e.recent)
	e.sent++
	e.mu.Unlock()
	e.inner.Emit(seg)
}

// emitted returns the number of segments passed on to the daemon.
func (e *onceEmitter) emitted() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sent
}

func (e *onceEmitter) RefreshEmitterWithAddress(raddr *net.UDPAddr) {
	e.inner.RefreshEmitterWithAddress(raddr)
}
