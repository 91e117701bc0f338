// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// event_sources ["*"] reads every management event of the account-region as one stream
// (one share of the quota instead of one per source), exclude_event_sources drops noisy
// sources client-side, and insights: true adds the Insights stream, whose records carry
// the service and method they are about.
func TestAllSourcesExclusionsAndInsights(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	wanted := append(h.addEvents(defaultEventSource, 30), h.addEvents("iam.amazonaws.com", 30)...)
	h.addEvents("kms.amazonaws.com", 60)
	insight := awsemu.NewInsightRecord(awsemu.RecordSpec{EventSource: "iam.amazonaws.com", EventName: "CreateUser",
		EventTime: time.Now().Add(-20 * time.Minute)})
	h.srv.Store().Add(insight)
	cfg := h.config()
	cfg.EventSources, cfg.ExcludeEventSources, cfg.Insights = []string{"*"}, []string{"kms.amazonaws.com"}, true
	cfg.EventNames = []string{"ListAlerts"} // filters management events, never Insights
	sink := new(consumertest.LogsSink)
	r := h.start(cfg, sink, make(ticks))
	require.Eventually(t, func() bool { return sink.LogRecordCount() >= len(wanted)+1 }, 30*time.Second, 5*time.Millisecond)
	var lag []metricdata.DataPoint[float64]
	require.Eventually(t, func() bool {
		m, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_checkpoint_lag")
		if err != nil {
			return false
		}
		lag = m.Data.(metricdata.Gauge[float64]).DataPoints
		return len(lag) == 2
	}, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))

	assert.ElementsMatch(t, append(idsOf(wanted), insight.EventID), eventIDs(sink), "no kms event, the insight once")
	assert.ElementsMatch(t, []any{streamAttrs(h.sts.account, "us-east-1", "*"), streamAttrs(h.sts.account, "us-east-1", "insight/*")},
		[]any{lag[0].Attributes, lag[1].Attributes}, "two streams: all sources, and Insights")
	for _, ld := range sink.AllLogs() {
		lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
		for i := 0; i < lrs.Len(); i++ {
			if id, _ := lrs.At(i).Attributes().Get("aws.cloudtrail.event_id"); id.Str() == insight.EventID {
				svc, _ := lrs.At(i).Attributes().Get("rpc.service")
				assert.Equal(t, "iam.amazonaws.com", svc.Str())
			}
		}
	}
}

// One "*" stream costs what one source's stream costs, not one stream per source: on the
// same history of 8 sources, the first poll (start_at 2h) of ["*"] makes an eighth of the
// LookupEvents requests of the 8-stream layout.
func TestAllSourcesCostOneStream(t *testing.T) {
	sources := []string{defaultEventSource, "iam.amazonaws.com", "s3.amazonaws.com", "ec2.amazonaws.com",
		"kms.amazonaws.com", "sts.amazonaws.com", "lambda.amazonaws.com", "logs.amazonaws.com"}
	requests := func(eventSources []string) int {
		h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
		total := 0
		for _, s := range sources {
			total += len(h.addEvents(s, 5))
		}
		cfg := h.config()
		cfg.EventSources, cfg.RequestsPerSecond = eventSources, 1000
		sink, w := new(consumertest.LogsSink), newWaits()
		r := h.startLogged(cfg, sink, w, nopLogger())
		require.Eventually(t, func() bool { return w.count() == len(eventSources) }, 30*time.Second, 5*time.Millisecond)
		require.NoError(t, r.Shutdown(context.Background()))
		require.Equal(t, total, sink.LogRecordCount())
		return len(lookups(h.srv))
	}
	perSource, all := requests(sources), requests([]string{"*"})
	t.Logf("first poll, 8 sources x 5 events: %d LookupEvents requests as 8 streams, %d as one \"*\" stream", perSource, all)
	assert.Equal(t, 8*all, perSource)
}
