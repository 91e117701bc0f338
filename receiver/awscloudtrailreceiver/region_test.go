// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componentstatus"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// addRegionEvents stores n events of the default source in region, visible at once.
func (h *harness) addRegionEvents(region string, n int) []awsemu.Event {
	now := time.Now().UTC()
	evs := make([]awsemu.Event, n)
	for i := range evs {
		evs[i] = awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, Region: region,
			EventTime: now.Add(-30*time.Minute + time.Duration(i)*time.Second)})
	}
	h.srv.Store().Add(evs...)
	return evs
}

// tickUntil lets the receiver's waits pass, one at a time, until cond holds.
func tickUntil(t *testing.T, w *waits, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		require.True(t, time.Now().Before(deadline), "condition never satisfied")
		select {
		case w.c <- time.Now():
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// One region's STS refusing (an opt-in region not enabled, an outage) blocks no other
// region, whichever comes first in regions: each region assumes role_arn through its own
// STS. The failing region is reported and logged once, retried with backoff, and polled
// as soon as its STS answers again.
func TestOneRegionsSTSBlocksNoOther(t *testing.T) {
	for _, regions := range [][]string{{"eu-west-1", "us-east-1"}, {"us-east-1", "eu-west-1"}} {
		t.Run(strings.Join(regions, ","), func(t *testing.T) {
			setFakeCredentials(t)
			h, _ := newFrontHarness(t, awsemu.Options{RequestsPerSecond: -1})
			h.sts.setRefused("eu-west-1", true)
			healthy, refused := h.addRegionEvents("us-east-1", 20), h.addRegionEvents("eu-west-1", 20)
			cfg := h.config()
			cfg.Regions, cfg.RoleARN = regions, "arn:aws:iam::123456789012:role/reader"
			logs, sink, w := &logBuffer{}, &gate{}, newWaits()
			r := h.startLogged(cfg, sink, w, logs.logger())
			defer func() { require.NoError(t, r.Shutdown(context.Background())) }()

			require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(healthy) }, 30*time.Second, 5*time.Millisecond)
			assert.ElementsMatch(t, idsOf(healthy), eventIDs(&sink.sink))
			tickUntil(t, w, func() bool { return h.sts.count("AssumeRole", "eu-west-1") >= 3 })
			assert.Equal(t, componentstatus.StatusRecoverableError, h.host.lastStatus())
			assert.Equal(t, 1, strings.Count(logs.String(), `"stream":"region eu-west-1 credentials"`+`,"kind"`),
				"a lasting failure is logged at warn once:\n%s", logs.String())
			// Every wait goes through w, the healthy stream's too (a full poll_interval), so
			// the last one asked for may be either: count the short ones instead.
			assert.GreaterOrEqual(t, w.shorterThan(cfg.PollInterval), 2, "retried with backoff")
			assert.Equal(t, map[string]int64{"polling": 1, "backing_off": 0, "failed": 1}, h.streamStates())

			h.sts.setRefused("eu-west-1", false)
			tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(healthy)+len(refused) })
			assert.ElementsMatch(t, append(idsOf(healthy), idsOf(refused)...), eventIDs(&sink.sink))
			tickUntil(t, w, func() bool { return h.host.lastStatus() == componentstatus.StatusOK })
			assert.Equal(t, map[string]int64{"polling": 2, "backing_off": 0, "failed": 0}, h.streamStates())
			assert.Contains(t, logs.String(), "recovered")
		})
	}
}
