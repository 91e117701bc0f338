// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package trailfeed

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

func event(id, account, region string, at time.Time) awsemu.Event {
	return awsemu.NewRecord(awsemu.RecordSpec{EventID: id, Account: account, Region: region, EventTime: at,
		EventName: "ListAlerts", EventSource: awsemu.LookoutMetricsEventSource, RequestID: "req-" + id})
}

func keys(m map[string]time.Time) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func ids(evs []awsemu.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.EventID)
	}
	return out
}

// The watcher finds each new event once, oldest first, leaves the history before
// since alone, finds an event recorded late within lookback, and finds account-regions
// that appear later once discover runs.
func TestWatcherFindsEachNewEventOnce(t *testing.T) {
	st := awsemu.NewStore()
	since := time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC)
	st.Add(event("old", "111111111111", "us-east-1", since.Add(-time.Second)))
	w := newWatcher(st, since, 30*time.Second)
	w.discover(since)
	assert.Empty(t, w.scan(), "the history is not fed")

	st.Add(event("b", "111111111111", "us-east-1", since.Add(2*time.Second)), event("a", "111111111111", "us-east-1", since.Add(time.Second)))
	assert.Equal(t, []string{"a", "b"}, ids(w.scan()))
	assert.Empty(t, w.scan(), "nothing twice")

	// Same eventTime as one seen (a tie), and one 20s older than the newest: both found.
	st.Add(event("b2", "111111111111", "us-east-1", since.Add(2*time.Second)), event("c", "111111111111", "us-east-1", since.Add(40*time.Second)))
	assert.Equal(t, []string{"b2", "c"}, ids(w.scan()))
	st.Add(event("late", "111111111111", "us-east-1", since.Add(20*time.Second)))
	assert.Equal(t, []string{"late"}, ids(w.scan()), "recorded after a newer one, within lookback")
	st.Add(event("too-late", "111111111111", "us-east-1", since.Add(5*time.Second)))
	assert.Empty(t, w.scan(), "below the floor (newest - lookback): documented as not found")

	st.Add(event("other", "222222222222", "eu-west-1", since.Add(time.Minute)))
	assert.Empty(t, w.scan(), "an account-region not yet discovered")
	w.discover(since)
	assert.Equal(t, []string{"other"}, ids(w.scan()))
	seen := w.streams[streamKey{"111111111111", "us-east-1"}].seen
	assert.ElementsMatch(t, []string{"c", "late"}, keys(seen), "the IDs below the floor (40s - 30s) are pruned")
}
