// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor/internal/metadata"
)

// Request ID attributes: the OTel AWS SDK instrumentations and the X-Ray receiver write
// aws.request_id; aws.requestId is the older name that X-Ray still accepts.
const (
	attrRequestID       = "aws.request_id"
	attrRequestIDLegacy = "aws.requestId"
)

// NewFactory returns the factory of the awsrequestid processor.
func NewFactory() processor.Factory {
	return newFactory(newRealClock()).processorFactory()
}

type factory struct {
	clock   clock
	indexes *sharedIndexes
}

func newFactory(clk clock) *factory {
	return &factory{clock: clk, indexes: newSharedIndexes()}
}

func (f *factory) processorFactory() processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithTraces(f.createTraces, metadata.TracesStability),
		processor.WithLogs(f.createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		SpanAttributes: []string{attrRequestID, attrRequestIDLegacy},
		LogAttribute:   attrRequestID,
		MaxEntries:     100_000,
		TTL:            30 * time.Minute,
		MaxWait:        0,
		MaxPending:     10_000,
	}
}

func (f *factory) createTraces(ctx context.Context, set processor.Settings, cfg component.Config,
	next consumer.Traces,
) (processor.Traces, error) {
	c := cfg.(*Config)
	sh := f.indexes.acquire(c, set.ID, pipeline.SignalTraces)
	p, err := newTracesProcessor(set, c, sh, f.clock)
	if err != nil {
		sh.release()
		return nil, err
	}
	tp, err := processorhelper.NewTraces(ctx, set, cfg, next, p.processTraces,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		processorhelper.WithStart(p.start),
		processorhelper.WithShutdown(p.shutdown))
	if err != nil {
		_ = p.shutdown(ctx)
		return nil, err
	}
	return tp, nil
}

func (f *factory) createLogs(ctx context.Context, set processor.Settings, cfg component.Config,
	next consumer.Logs,
) (processor.Logs, error) {
	c := cfg.(*Config)
	sh := f.indexes.acquire(c, set.ID, pipeline.SignalLogs)
	p, err := newLogsProcessor(set, c, sh, f.clock, next)
	if err != nil {
		sh.release()
		return nil, err
	}
	lp, err := processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs,
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}),
		processorhelper.WithStart(p.start),
		processorhelper.WithShutdown(p.shutdown))
	if err != nil {
		_ = p.shutdown(ctx)
		return nil, err
	}
	return lp, nil
}
