// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor/internal/metadata"
)

// Eviction reasons, the values of the reason attribute.
var (
	evictedByTTL  = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "ttl")))
	evictedByFull = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "max_entries")))
)

// tracesProcessor indexes the request IDs of spans and passes the spans on untouched.
type tracesProcessor struct {
	id       component.ID
	logger   *zap.Logger
	peers    func() pipelinePeers
	idx      *index
	keys     []string
	clock    clock
	tb       *metadata.TelemetryBuilder
	release  func()
	shutOnce sync.Once
}

func newTracesProcessor(set processor.Settings, cfg *Config, sh shared, clk clock) (*tracesProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &tracesProcessor{id: set.ID, logger: set.Logger, peers: sh.peers, idx: sh.idx, keys: cfg.SpanAttributes,
		clock: clk, tb: tb, release: sh.release}, nil
}

func (p *tracesProcessor) start(context.Context, component.Host) error {
	warnAboutPipelines(p.logger, p.id, p.peers())
	return nil
}

func (p *tracesProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	now := p.clock.Now()
	indexed := 0
	p.idx.mu.Lock()
	p.idx.expire(now)
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				key, ok := requestID(span.Attributes(), p.keys)
				if !ok || span.TraceID().IsEmpty() || span.SpanID().IsEmpty() {
					continue
				}
				p.idx.put(now, key, ids{trace: span.TraceID(), span: span.SpanID(),
					client: span.Kind() == ptrace.SpanKindClient})
				indexed++
			}
		}
	}
	byTTL, byFull := p.idx.takeEvictions()
	p.idx.mu.Unlock()
	if indexed > 0 {
		p.idx.notify()
		p.tb.ProcessorAwsrequestidSpansIndexed.Add(ctx, int64(indexed))
	}
	recordEvictions(ctx, p.tb, byTTL, byFull)
	return td, nil
}

// requestID returns the first non-empty string value of keys in attrs.
func requestID(attrs pcommon.Map, keys []string) (string, bool) {
	for _, k := range keys {
		if v, ok := attrs.Get(k); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
			return v.Str(), true
		}
	}
	return "", false
}

func recordEvictions(ctx context.Context, tb *metadata.TelemetryBuilder, byTTL, byFull int64) {
	if byTTL > 0 {
		tb.ProcessorAwsrequestidEntriesEvicted.Add(ctx, byTTL, evictedByTTL)
	}
	if byFull > 0 {
		tb.ProcessorAwsrequestidEntriesEvicted.Add(ctx, byFull, evictedByFull)
	}
}

func (p *tracesProcessor) shutdown(context.Context) error {
	p.shutOnce.Do(func() {
		p.tb.Shutdown()
		p.release()
	})
	return nil
}
