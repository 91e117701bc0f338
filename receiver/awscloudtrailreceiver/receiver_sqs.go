// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// buildSQS builds the SQS input when sqs.queue_url is set. It reads local configuration
// only: credentials are resolved by the first request.
func (r *cloudtrailReceiver) buildSQS(ctx context.Context) (*sqsinput.Input, error) {
	c := r.cfg.SQS
	if !c.Enabled() {
		return nil, nil
	}
	region := c.Region
	if region == "" {
		region = sqsinput.QueueRegion(c.QueueURL)
	}
	awsCfg, err := loadAWSConfig(ctx, r.cfg, region)
	if err != nil {
		return nil, err
	}
	awsCfg = withoutCallTimeout(awsCfg)
	if awsCfg.Region == "" {
		return nil, errors.New("sqs.region: not set, not in sqs.queue_url, and no region in the AWS config or environment (AWS_REGION)")
	}
	base, err := r.streamSettings()
	if err != nil {
		return nil, err
	}
	set := sqsinput.Settings{
		Workers: c.Workers, MaxMessages: c.MaxMessages, WaitTime: c.WaitTime,
		VisibilityTimeout: c.VisibilityTimeout, MaxRecordBatch: c.MaxRecordBatch,
		Filter:    sqsinput.NewFilter(r.cfg.EventSources, r.cfg.EventNames, r.cfg.ReadOnly.filter()).Exclude(r.cfg.ExcludeEventSources),
		Translate: base.Translate, Redact: base.Redact,
	}
	return sqsinput.New(set, sqsinput.Deps{
		Queue:   sqsinput.NewSQSQueue(awsCfg, c.QueueURL, sqsEndpoint(c)),
		Objects: sqsinput.NewS3Objects(awsCfg, c.S3Endpoint, awsCfg.Region),
		Next:    r.next, Dedupe: r.dedupeIndex(), Logger: r.set.Logger,
		Metrics: sqsMetrics{tb: r.tb},
		Report:  func(err error) { r.status.report("sqs "+c.QueueURL, err) },
		Now:     r.now,
	}), nil
}

// sqsEndpoint is sqs.endpoint, else the origin of a queue URL that names no AWS host (a
// local or private server): the SDK sends every call to AWS's endpoint for the region,
// whatever host the queue URL names.
func sqsEndpoint(c SQSConfig) string {
	if c.Endpoint != "" || sqsinput.QueueRegion(c.QueueURL) != "" {
		return c.Endpoint
	}
	u, err := url.Parse(c.QueueURL)
	if err != nil || strings.HasSuffix(u.Hostname(), ".amazonaws.com") || strings.HasSuffix(u.Hostname(), ".amazonaws.com.cn") {
		return c.Endpoint
	}
	return u.Scheme + "://" + u.Host
}

// dedupeIndex is the receiver's one index of emitted event IDs, shared by its inputs. An
// ID is kept for max_event_delay (how late LookupEvents may see an event EventBridge
// already brought), and at least two SQS visibility timeouts, so that a message that
// comes back after a failure finds the records it had delivered.
func (r *cloudtrailReceiver) dedupeIndex() *dedupe.Index {
	if r.dedupe == nil {
		age := r.cfg.MaxEventDelay
		if r.cfg.SQS.Enabled() {
			age = max(age, 2*r.cfg.SQS.VisibilityTimeout)
		}
		r.dedupe = dedupe.New(age, dedupe.DefaultMaxEntries, r.now)
	}
	return r.dedupe
}

// emittedIndex is the index the LookupEvents streams share with the SQS input, nil without
// one (Start builds it, before any stream, when the SQS input is on).
func (r *cloudtrailReceiver) emittedIndex() poll.EmittedIndex {
	if r.dedupe == nil {
		return nil
	}
	return r.dedupe
}

// startSQS runs the input until Shutdown.
func (r *cloudtrailReceiver) startSQS(runCtx context.Context, in *sqsinput.Input) {
	if in == nil {
		return
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		in.Run(runCtx)
	}()
	r.set.Logger.Info("Started reading the SQS queue", zap.String("queue_url", r.cfg.SQS.QueueURL),
		zap.Int("workers", r.cfg.SQS.Workers))
}

type sqsMetrics struct{ tb *metadata.TelemetryBuilder }

func (m sqsMetrics) Message(ctx context.Context, kind sqsinput.Kind, outcome string) {
	m.tb.ReceiverAwscloudtrailSqsMessages.Add(ctx, 1, metric.WithAttributes(
		attribute.String("message_kind", kind.String()), attribute.String("outcome", outcome)))
}

func (m sqsMetrics) File(ctx context.Context, class sqsinput.Class, outcome string) {
	m.tb.ReceiverAwscloudtrailSqsFiles.Add(ctx, 1, metric.WithAttributes(
		attribute.String("class", class.String()), attribute.String("outcome", outcome)))
}

func (m sqsMetrics) Records(ctx context.Context, outcome string, n int) {
	if n > 0 {
		m.tb.ReceiverAwscloudtrailSqsRecords.Add(ctx, int64(n), metric.WithAttributes(attribute.String("outcome", outcome)))
	}
}
