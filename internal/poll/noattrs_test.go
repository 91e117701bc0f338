// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// bareSource answers as its Source but leaves out EventName, ReadOnly and EventSource
// (optional members of a LookupEvents result; the record has them all).
func bareSource(s Source) Source {
	return editedSource{Source: s, edit: eachEvent(func(e *cloudtrail.Event) {
		e.Name, e.ReadOnly, e.Source = "", "", ""
	})}
}

// The filters read the record when the result leaves its members out: an event the
// filters want is not dropped (and counted as read) for want of an envelope member, and
// one they exclude is not let through.
func TestFiltersReadTheRecordWhenTheResultLeavesMembersOut(t *testing.T) {
	clock := newFakeClock(t0)
	fs := &fakeSource{rng: rand.New(rand.NewPCG(9, 10)), now: clock.Now, serverTime: true}
	keep := fakeRecord(fakeUUID(31), "CreateAlert", t0.Add(-10*time.Minute), false)
	readOnly := fakeRecord(fakeUUID(32), "CreateAlert", t0.Add(-9*time.Minute), true)
	otherName := fakeRecord(fakeUUID(33), "DeleteAlert", t0.Add(-8*time.Minute), false)
	for _, e := range []cloudtrail.Event{keep, readOnly, otherName} {
		fs.add(fakeEvent{ev: e})
	}
	sink := new(consumertest.LogsSink)
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour),
		EventNames: map[string]bool{"CreateAlert": true}, ReadOnly: ReadOnlyWrite}
	s := NewStream(set, Deps{Source: bareSource(fs), Next: sink, Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	clock.Advance(time.Minute)
	require.NoError(t, s.Poll(context.Background()))
	assert.Equal(t, []string{keep.ID}, emittedIDs(sink))

	// exclude_event_sources reads the record's eventSource too.
	sink2 := new(consumertest.LogsSink)
	set2 := Settings{Region: "us-east-1", EventSource: cloudtrail.AllSources, MaxEventDelay: 15 * time.Minute,
		Start: t0.Add(-time.Hour), ExcludeSources: map[string]bool{lfm: true}}
	s2 := NewStream(set2, Deps{Source: bareSource(fs), Next: sink2, Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	require.NoError(t, s2.Poll(context.Background()))
	assert.Empty(t, emittedIDs(sink2))
}
