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

// One poll whose responses carry a Date a day ahead of the server's clock (a bad front
// end, a proxy) must not settle the overlap window: that would forget the IDs emitted in
// it, and when the next good Date pulls the settled point back, emit them all again. An
// event that becomes visible late, inside max_event_delay, is still emitted.
func TestOneFarAheadDateSettlesNothingEarly(t *testing.T) {
	clock := newFakeClock(t0)
	fs := &fakeSource{rng: rand.New(rand.NewPCG(3, 4)), now: clock.Now, serverTime: true}
	var want []string
	for i := range 4 { // on time, inside the window of the bad poll
		e := fakeRecord(fakeUUID(uint64(i+1)), "UpdateAlert", t0.Add(time.Duration(i)*time.Minute), false)
		fs.add(fakeEvent{ev: e})
		want = append(want, e.ID)
	}
	late := fakeRecord(fakeUUID(7), "CreateAlert", t0.Add(90*time.Second), false)
	fs.add(fakeEvent{ev: late, visibleAt: t0.Add(10 * time.Minute)}) // 8.5 minutes late; the window is 15
	want = append(want[:2], append([]string{late.ID}, want[2:]...)...)
	var bogus time.Duration // while not zero, every page's ServerTime is off by it: a garbage Date header
	src := editedSource{Source: fs, edit: func(p *cloudtrail.Page) {
		if bogus != 0 && !p.ServerTime.IsZero() {
			p.ServerTime = p.ServerTime.Add(bogus)
		}
	}}
	sink := new(consumertest.LogsSink)
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour)}
	s := NewStream(set, Deps{Source: src, Next: sink, Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	for i := range 40 {
		clock.Advance(time.Minute)
		bogus = 0
		if i == 4 {
			bogus = 24 * time.Hour
		}
		require.NoError(t, s.Poll(context.Background()))
	}
	assert.ElementsMatch(t, want, emittedIDs(sink), "0 lost, 0 duplicated")
}
