// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"maps"
	"slices"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// observeAttempt counts every LookupEvents HTTP attempt of an account-region by outcome.
func (r *cloudtrailReceiver) observeAttempt(account, region string) cloudtrail.AttemptObserver {
	accountAttr, regionAttr := attribute.String("account", account), attribute.String("region", region)
	return func(ctx context.Context, err error) {
		outcome := cloudtrail.Outcome(err)
		r.tb.ReceiverAwscloudtrailAPIRequests.Add(ctx, 1,
			metric.WithAttributes(accountAttr, regionAttr, attribute.String("outcome", outcome)))
		if outcome == "throttled" {
			r.tb.ReceiverAwscloudtrailThrottledRequests.Add(ctx, 1, metric.WithAttributes(accountAttr, regionAttr))
		}
	}
}

type streamMetrics struct {
	tb    *metadata.TelemetryBuilder
	attrs metric.MeasurementOption
}

func (r *cloudtrailReceiver) streamMetrics(account, region, source string) poll.Metrics {
	return streamMetrics{tb: r.tb, attrs: metric.WithAttributeSet(attribute.NewSet(
		attribute.String("account", account), attribute.String("region", region), attribute.String("event_source", source)))}
}

func (m streamMetrics) Emitted(ctx context.Context, n int) {
	if n > 0 {
		m.tb.ReceiverAwscloudtrailEventsEmitted.Add(ctx, int64(n), m.attrs)
	}
}

func (m streamMetrics) Duplicates(ctx context.Context, n int) {
	if n > 0 {
		m.tb.ReceiverAwscloudtrailDuplicatesDropped.Add(ctx, int64(n), m.attrs)
	}
}

func (m streamMetrics) Malformed(ctx context.Context, n int) {
	if n > 0 {
		m.tb.ReceiverAwscloudtrailMalformedEvents.Add(ctx, int64(n), m.attrs)
	}
}

// The stream counts redaction refusals only through Metrics that implement this.
var _ poll.RedactionMetrics = streamMetrics{}

func (m streamMetrics) RedactionDropped(ctx context.Context, n int) {
	if n > 0 {
		m.tb.ReceiverAwscloudtrailRedactionDropped.Add(ctx, int64(n), m.attrs)
	}
}

func (m streamMetrics) Refused(ctx context.Context, n int) {
	if n > 0 {
		m.tb.ReceiverAwscloudtrailEventsRefused.Add(ctx, int64(n), m.attrs)
	}
}

func (m streamMetrics) CheckpointSaveFailed(ctx context.Context) {
	m.tb.ReceiverAwscloudtrailCheckpointSaveFailures.Add(ctx, 1, m.attrs)
}

// observeLag reports the server's now - head for every stream that has polled once.
func (r *cloudtrailReceiver) observeLag(_ context.Context, o metric.Float64Observer) error {
	for _, s := range r.allStreams() {
		lag, ok := s.Lag()
		if !ok {
			continue
		}
		o.Observe(lag.Seconds(), streamMeasureAttrs(s.Settings()))
	}
	return nil
}

// observeSkew reports the server's clock minus the host's for every stream that has had
// a response.
func (r *cloudtrailReceiver) observeSkew(_ context.Context, o metric.Float64Observer) error {
	for _, s := range r.allStreams() {
		skew, ok := s.ClockSkew()
		if !ok {
			continue
		}
		o.Observe(skew.Seconds(), streamMeasureAttrs(s.Settings()))
	}
	return nil
}

func streamMeasureAttrs(set poll.Settings) metric.MeasurementOption {
	return metric.WithAttributes(attribute.String("account", set.Account),
		attribute.String("region", set.Region), attribute.String("event_source", set.Name()))
}

// statusTracker reports the component's health from every stream's last poll: OK when all
// succeeded, a recoverable error while any fails, naming one that fails now. A stream's
// error is logged at Warn when its kind changes, and at Debug while it repeats, so a
// lasting AccessDenied is logged once.
type statusTracker struct {
	host   component.Host
	logger *zap.Logger
	mu     sync.Mutex
	errs   map[string]error
	// failedKind is the kind of the last failure reported, KindNone while healthy;
	// named is the name whose error that status carries.
	failedKind cloudtrail.Kind
	named      string
}

func newStatusTracker(host component.Host, logger *zap.Logger) *statusTracker {
	return &statusTracker{host: host, logger: logger, errs: make(map[string]error)}
}

func (t *statusTracker) report(stream string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	prev := t.errs[stream]
	switch {
	case err != nil && (prev == nil || cloudtrail.Classify(prev) != cloudtrail.Classify(err)):
		t.logger.Warn("Poll failed; retrying", zap.String("stream", stream),
			zap.String("kind", cloudtrail.Classify(err).String()), zap.Error(err))
	case err != nil:
		t.logger.Debug("Poll failed again", zap.String("stream", stream), zap.Error(err))
	case prev != nil:
		t.logger.Info("Poll recovered", zap.String("stream", stream))
	}
	if err == nil {
		delete(t.errs, stream)
	} else {
		t.errs[stream] = err
	}
	t.publish(stream, err)
}

// forget drops what is known of names (the streams and credentials of an account-region
// that stopped polling), so a removed account's failure no longer holds the status.
func (t *statusTracker) forget(names ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	failing := len(t.errs) > 0
	for _, n := range names {
		delete(t.errs, n)
	}
	if failing {
		t.publish("", nil)
	}
}

// publish reports a status when the component's health changes: from healthy to failing,
// from one kind of failure to another, back to healthy, or when the failure the status
// names is over while others go on (the status then names one of those).
func (t *statusTracker) publish(name string, last error) {
	if len(t.errs) == 0 {
		if t.failedKind != cloudtrail.KindNone {
			componentstatus.ReportStatus(t.host, componentstatus.NewEvent(componentstatus.StatusOK))
		}
		t.failedKind, t.named = cloudtrail.KindNone, ""
		return
	}
	if last == nil {
		if _, still := t.errs[t.named]; still {
			return // another stream recovered; the one the status names still fails
		}
		name = slices.Min(slices.Collect(maps.Keys(t.errs)))
		last = t.errs[name]
		t.failedKind = cloudtrail.KindNone // report it, whatever its kind
	}
	if kind := cloudtrail.Classify(last); kind != t.failedKind {
		componentstatus.ReportStatus(t.host, componentstatus.NewRecoverableErrorEvent(last))
		t.failedKind, t.named = kind, name
	}
}
