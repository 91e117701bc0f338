package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor/internal/metadata"
)

// logsProcessor stamps log records with the trace context of the span that has their
// request ID. With max_wait, it hands the records whose span is not known yet to a
// holder, which passes them on later.
type logsProcessor struct {
	idx      *index
	key      string
	clock    clock
	tb       *metadata.TelemetryBuilder
	holder   *holder // nil without max_wait
	release  func()
	shutOnce sync.Once
}

func newLogsProcessor(set processor.Settings, cfg *Config, idx *index, clk clock, next consumer.Logs,
	release func(),
) (*logsProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &logsProcessor{idx: idx, key: cfg.LogAttribute, clock: clk, tb: tb, release: release}
	if cfg.MaxWait > 0 {
		p.holder = newHolder(holderSettings{idx: idx, key: cfg.LogAttribute, maxWait: cfg.MaxWait,
			maxPending: cfg.MaxPending, clock: clk, next: next, tb: tb, logger: set.Logger})
	}
	return p, nil
}

func (p *logsProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	var (
		held               *logsBuilder
		matched, unmatched int
	)
	if p.holder != nil {
		held = &logsBuilder{}
	}
	p.idx.mu.Lock()
	p.idx.expire(p.clock.Now())
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			sl.LogRecords().RemoveIf(func(lr plog.LogRecord) bool {
				switch stampRecord(p.idx, lr, p.key) {
				case stamped:
					matched++
				case unknown:
					if held == nil {
						unmatched++
						return false
					}
					lr.MoveTo(held.record(rl, sl))
					return true
				}
				return false
			})
		}
	}
	byTTL, byFull := p.idx.takeEvictions()
	p.idx.mu.Unlock()
	recordEvictions(ctx, p.tb, byTTL, byFull)
	p.count(ctx, matched, unmatched)
	if held == nil || held.n == 0 {
		return ld, nil
	}
	removeEmpty(ld)
	p.holder.add(held.logs, held.n)
	if ld.LogRecordCount() == 0 {
		return ld, processorhelper.ErrSkipProcessingData
	}
	return ld, nil
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
	if p.holder != nil {
		p.holder.start()
	}
	return nil
}

func (p *logsProcessor) shutdown(ctx context.Context) error {
	p.shutOnce.Do(func() {
		if p.holder != nil {
			p.holder.shutdown(ctx)
		}
		p.tb.Shutdown()
		p.release()
	})
	return nil
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

// logsBuilder collects log records moved out of a batch, under copies of their
// resource and scope.
type logsBuilder struct {
	logs           plog.Logs
	n              int
	srcRL          plog.ResourceLogs
	srcSL          plog.ScopeLogs
	dstRL          plog.ResourceLogs
	dstSL          plog.ScopeLogs
	haveRL, haveSL bool
}

// record returns an empty record in the copy of rl and sl, made on first use.
func (b *logsBuilder) record(rl plog.ResourceLogs, sl plog.ScopeLogs) plog.LogRecord {
	if b.n == 0 {
		b.logs = plog.NewLogs()
	}
	if !b.haveRL || b.srcRL != rl {
		b.srcRL, b.dstRL, b.haveRL, b.haveSL = rl, b.logs.ResourceLogs().AppendEmpty(), true, false
		rl.Resource().CopyTo(b.dstRL.Resource())
		b.dstRL.SetSchemaUrl(rl.SchemaUrl())
	}
	if !b.haveSL || b.srcSL != sl {
		b.srcSL, b.dstSL, b.haveSL = sl, b.dstRL.ScopeLogs().AppendEmpty(), true
		sl.Scope().CopyTo(b.dstSL.Scope())
		b.dstSL.SetSchemaUrl(sl.SchemaUrl())
	}
	b.n++
	return b.dstSL.LogRecords().AppendEmpty()
}

// removeEmpty drops the scopes without records and the resources without scopes.
func removeEmpty(ld plog.Logs) {
	ld.ResourceLogs().RemoveIf(func(rl plog.ResourceLogs) bool {
		rl.ScopeLogs().RemoveIf(func(sl plog.ScopeLogs) bool { return sl.LogRecords().Len() == 0 })
		return rl.ScopeLogs().Len() == 0
	})
}
