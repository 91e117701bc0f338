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
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// noTimeSource answers as its Source but leaves out the EventTime of one event (every
// member of a LookupEvents result is optional): the SDK gives a zero time.
func noTimeSource(s Source, id string) Source {
	return editedSource{Source: s, edit: eachEvent(func(e *cloudtrail.Event) {
		if e.ID == id {
			e.Time = time.Time{}
		}
	})}
}

// An event without an EventTime is emitted once, not once per poll while the overlap
// window holds it: its ID must stay among the seen ones as long as a query can return it.
func TestEventWithoutTimeEmittedOnce(t *testing.T) {
	clock := newFakeClock(t0)
	fs := &fakeSource{rng: rand.New(rand.NewPCG(5, 6)), now: clock.Now, serverTime: true}
	ev := fakeRecord(fakeUUID(9), "CreateAlert", t0.Add(-5*time.Minute), false)
	fs.add(fakeEvent{ev: ev})
	newer := fakeRecord(fakeUUID(10), "UpdateAlert", t0.Add(-2*time.Minute), false)
	fs.add(fakeEvent{ev: newer})
	sink := new(consumertest.LogsSink)
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour)}
	s := NewStream(set, Deps{Source: noTimeSource(fs, ev.ID), Next: sink,
		Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	for range 30 {
		clock.Advance(time.Minute)
		require.NoError(t, s.Poll(context.Background()))
	}
	assert.Equal(t, []string{ev.ID, newer.ID}, emittedIDs(sink), "once each, oldest first by the record's eventTime")
	var ts []time.Time
	for _, ld := range sink.AllLogs() {
		forEachRecord(ld, func(lr plog.LogRecord) { ts = append(ts, lr.Timestamp().AsTime()) })
	}
	assert.Equal(t, []time.Time{ev.Time, newer.Time}, ts, "the record's eventTime stamps it")
}
