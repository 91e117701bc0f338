// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// Stream states of the streams gauge.
const (
	statePolling    = "polling"
	stateBackingOff = "backing_off"
	stateFailed     = "failed"
)

// stateOf is the state of a stream whose last poll ended with err: failures that will
// not fix themselves within seconds (credentials, access, a refused request) are failed
// and retried every poll_interval; the others are retried with backoff.
func stateOf(err error) string {
	switch {
	case err == nil:
		return statePolling
	case cloudtrail.Classify(err) == cloudtrail.KindAccessDenied, cloudtrail.Classify(err) == cloudtrail.KindClient:
		return stateFailed
	}
	return stateBackingOff
}

// observeStreams reports the streams by state. The streams of an account-region whose
// credentials fail do not exist yet: they count as failed.
func (r *cloudtrailReceiver) observeStreams(_ context.Context, o metric.Int64Observer) error {
	counts := map[string]int64{statePolling: 0, stateBackingOff: 0, stateFailed: 0}
	errs := r.status.snapshot()
	for _, s := range r.allStreams() {
		counts[stateOf(errs[s.String()])]++
	}
	perAccountRegion := int64(len(r.streamSets(r.baseSettings, "", "")))
	for name := range errs {
		if strings.HasSuffix(name, " credentials") {
			counts[stateFailed] += perAccountRegion
		}
	}
	for state, n := range counts {
		o.Observe(n, metric.WithAttributes(attribute.String("state", state)))
	}
	return nil
}

// snapshot returns the last error of every name that is failing now.
func (t *statusTracker) snapshot() map[string]error {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]error, len(t.errs))
	for k, v := range t.errs {
		out[k] = v
	}
	return out
}
