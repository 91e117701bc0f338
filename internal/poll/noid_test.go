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

// noIDSource answers as its Source but leaves out every EventId (an optional member of
// a LookupEvents result): the SDK gives "".
func noIDSource(s Source) Source {
	return editedSource{Source: s, edit: eachEvent(func(e *cloudtrail.Event) { e.ID = "" })}
}

// Events whose results carry no EventId are neither taken for one another (lost) nor
// emitted again on every poll: they go by their record's eventID.
func TestEventsWithoutIDEmittedOnceEach(t *testing.T) {
	clock := newFakeClock(t0)
	fs := &fakeSource{rng: rand.New(rand.NewPCG(7, 8)), now: clock.Now, serverTime: true}
	var want []string
	for i := range 3 {
		e := fakeRecord(fakeUUID(uint64(20+i)), "UpdateAlert", t0.Add(-10*time.Minute), false) // one second: CloudTrail times are whole seconds
		fs.add(fakeEvent{ev: e})
		want = append(want, e.ID)
	}
	sink := new(consumertest.LogsSink)
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour)}
	s := NewStream(set, Deps{Source: noIDSource(fs), Next: sink, Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	for range 30 {
		clock.Advance(time.Minute)
		require.NoError(t, s.Poll(context.Background()))
	}
	assert.Equal(t, want, emittedIDs(sink), "each once, none lost")
}

// A record without an eventID either goes by a hash of its text: two records, two IDs,
// and the same record read again, the same ID.
func TestFillMissingHashesRecordsWithoutEventID(t *testing.T) {
	q := cloudtrail.Query{Start: t0.Add(-time.Hour), End: t0}
	rec := func(name string) string {
		return `{"eventTime":"2026-11-01T11:50:00Z","eventName":"` + name + `"}`
	}
	evs := []cloudtrail.Event{{Record: rec("A")}, {Record: rec("B")}, {Record: rec("A")}}
	s := NewStream(Settings{}, Deps{})
	s.fillMissing(evs, q)
	assert.NotEmpty(t, evs[0].ID)
	assert.NotEqual(t, evs[0].ID, evs[1].ID)
	assert.Equal(t, evs[0].ID, evs[2].ID)
	assert.Equal(t, t0.Add(-10*time.Minute), evs[1].Time)
	junk := []cloudtrail.Event{{Record: "not json"}}
	s.fillMissing(junk, q)
	assert.NotEmpty(t, junk[0].ID)
	assert.Equal(t, q.End, junk[0].Time, "no readable time: the query's end")
}
