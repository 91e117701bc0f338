// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"context"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor/internal/metadata"
)

// logsProcessor stamps log records with the trace context of the span that has their
// request ID. With max_wait, a batch with a record whose span is not known yet is
// handed whole to a holder, which passes it on later: a call either returns nil with
// every record of its batch passed on or owned by the holder, or returns an error with
// none of them held.
type logsProcessor struct {
	id       component.ID
	idx      *index
	key      string
	clock    clock
	tb       *metadata.TelemetryBuilder
	holder   *holder // nil without max_wait
	logger   *zap.Logger
	peers    func() pipelinePeers
	release  func()
	closed   atomic.Bool
	shutOnce sync.Once
}

func newLogsProcessor(set processor.Settings, cfg *Config, sh shared, clk clock, next consumer.Logs) (*logsProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &logsProcessor{id: set.ID, idx: sh.idx, key: cfg.LogAttribute, clock: clk, tb: tb,
		logger: set.Logger, peers: sh.peers, release: sh.release}
	if cfg.MaxWait > 0 {
		p.holder = newHolder(holderSettings{idx: sh.idx, key: cfg.LogAttribute, maxWait: cfg.MaxWait,
			maxPending: cfg.MaxPending, clock: clk, next: next, tb: tb, logger: set.Logger})
	}
	return p, nil
}

func (p *logsProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	if p.closed.Load() {
		return ld, errShutdown
	}
	matched, waiting := 0, 0
	p.idx.mu.Lock()
	p.idx.expire(p.clock.Now())
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				switch stampRecord(p.idx, lr, p.key) {
				case stamped:
					matched++
				case unknown:
					waiting++
				}
			}
		}
	}
	byTTL, byFull := p.idx.takeEvictions()
	p.idx.mu.Unlock()
	recordEvictions(ctx, p.tb, byTTL, byFull)
	if p.holder == nil || waiting == 0 {
		p.count(ctx, matched, waiting)
		return ld, nil
	}
	// The holder counts matched and unmatched records when it passes them on.
	b := &heldBatch{logs: ld, records: ld.LogRecordCount(), waiting: waiting, stamped: matched}
	if err := p.holder.hold(ctx, b); err != nil {
		return ld, err
	}
	return ld, processorhelper.ErrSkipProcessingData
}

func (p *logsProcessor) count(ctx context.Context, matched, unmatched int) {
	if matched > 0 {
		p.tb.ProcessorAwsrequestidLogsMatched.Add(ctx, int64(matched))
	}
	if unmatched > 0 {
		p.tb.ProcessorAwsrequestidLogsUnmatched.Add(ctx, int64(unmatched))
	}
}

func (p *logsProcessor) start(context.Context, component.Host) error {
	warnAboutPipelines(p.logger, p.id, p.peers())
	if p.holder != nil {
		p.holder.start()
	}
	return nil
}

// shutdown refuses further records and, with max_wait, passes the held ones on until
// ctx ends.
func (p *logsProcessor) shutdown(ctx context.Context) error {
	var err error
	p.shutOnce.Do(func() {
		p.closed.Store(true)
		if p.holder != nil {
			err = p.holder.shutdown(ctx)
		}
		p.tb.Shutdown()
		p.release()
	})
	return err
}

// stampResult is what stampRecord did with a log record.
type stampResult int

const (
	skipped stampResult = iota // no request ID, or it has a trace context already
	stamped                    // the index knew its request ID
	unknown                    // it has a request ID that the index does not know
)

// stampRecord sets the record's trace and span IDs from the index when it has a request
// ID and no trace context. The caller holds idx.mu.
func stampRecord(idx *index, lr plog.LogRecord, key string) stampResult {
	if !lr.TraceID().IsEmpty() {
		return skipped
	}
	v, ok := lr.Attributes().Get(key)
	if !ok || v.Type() != pcommon.ValueTypeStr || v.Str() == "" {
		return skipped
	}
	e, ok := idx.get(v.Str())
	if !ok {
		return unknown
	}
	lr.SetTraceID(e.trace)
	lr.SetSpanID(e.span)
	return stamped
}
