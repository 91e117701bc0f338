// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

// EventBridge brings a call's record in seconds; LookupEvents sees the same event minutes
// later. One receiver running both inputs emits it once, and the calls EventBridge did not
// bring once each.
func TestEventBridgeAndLookupEventsEmitEachEventOnce(t *testing.T) {
	h := newHarness(t, awsemu.Options{})
	evs := h.addEvents(defaultEventSource, 3)
	now := time.Now().UTC()
	late := awsemu.NewRecord(awsemu.RecordSpec{
		EventSource: defaultEventSource, EventName: "CreateAlert",
		EventTime: now.Add(-10 * time.Minute),
	})

	queue := sqstest.NewServer()
	t.Cleanup(queue.Close)
	queue.Send(fmt.Sprintf(`{"version":"0","id":"6f2c1f3e-2b7a-4c55-9f1e-0d8c2a1b3c4d",`+
		`"detail-type":"AWS API Call via CloudTrail","source":"aws.lookoutmetrics","account":"123456789012",`+
		`"time":%q,"region":"us-east-1","resources":[],"detail":%s}`, late.EventTime.Format(time.RFC3339), late.CloudTrailEvent))

	cfg := h.config()
	cfg.SQS.QueueURL, cfg.SQS.Region, cfg.SQS.Endpoint = queue.QueueURL(), "us-east-1", queue.URL
	cfg.SQS.VisibilityTimeout = 30 * time.Second
	sink := new(consumertest.LogsSink)
	tick := make(ticks)
	r := h.start(cfg, sink, tick)
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })

	// The first poll reads the three events LookupEvents shows; EventBridge brings the
	// fourth, which CloudTrail has not delivered to LookupEvents yet.
	require.Eventually(t, func() bool { return sink.LogRecordCount() == 4 && len(queue.Deleted()) == 1 },
		15*time.Second, 10*time.Millisecond)
	// Once LookupEvents shows it too, the next poll reads it and drops it.
	before := duplicatesCounted(t, h)
	h.srv.Store().Add(late)
	tick <- time.Now()
	// The late event is in its overlap window: dropped as a duplicate, or emitted again.
	require.Eventually(t, func() bool { return duplicatesCounted(t, h) > before || sink.LogRecordCount() > 4 },
		15*time.Second, 10*time.Millisecond, "the second poll read the late event")
	assert.ElementsMatch(t, append(idsOf(evs), late.EventID), eventIDs(sink), "each event emitted once")
}

func duplicatesCounted(t *testing.T, h *harness) int64 {
	t.Helper()
	m, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_duplicates_dropped")
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		n += dp.Value
	}
	return n
}
