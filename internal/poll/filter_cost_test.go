// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// callsPerPoll polls a source of 3 events/s once a minute for 30 minutes and returns the
// mean LookupEvents calls of the last 10 polls (past the first max_event_delay), and the
// events emitted.
func callsPerPoll(t *testing.T, filtered bool) (float64, int) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-20 * time.Minute)
	if filtered {
		set.EventNames = map[string]bool{"CreateAlert": true}
	}
	for i := range 50 * 60 * 3 { // 3 events/s from t0-20m to t0+30m, one in 30 a CreateAlert
		name := "GetAnomalyGroup"
		if i%30 == 0 {
			name = "CreateAlert"
		}
		e.add(set.Start.Add(time.Duration(i)*time.Second/3), 0, name)
	}
	src := &countingSource{Source: e.client}
	s := NewStream(set, Deps{Source: src, Next: e.sink, Store: e.store, Now: e.clock.Now})
	var last10 int
	for i := range 30 {
		e.clock.Advance(time.Minute)
		before := src.calls
		e.poll(s)
		if i >= 20 {
			last10 += src.calls - before
		}
	}
	return float64(last10) / 10, len(emittedIDs(e.sink))
}

// A filter drops events after they were read: they must still count as read, or a filtered
// stream re-reads its whole overlap window on every poll (58.5 calls per poll against 8.0
// before the fix, at 3 events/s and one-minute polls).
func TestFilteredStreamCostsNoMoreRequests(t *testing.T) {
	all, nAll := callsPerPoll(t, false)
	some, nSome := callsPerPoll(t, true)
	t.Logf("LookupEvents calls per poll: %.1f unfiltered, %.1f with event_names", all, some)
	require.Equal(t, 30*60*3+20*60*3, nAll, "every event up to the last poll")
	assert.Equal(t, nAll/30, nSome, "one in 30 is a CreateAlert")
	assert.Equal(t, all, some)
	assert.Less(t, some, 12.0)
}
