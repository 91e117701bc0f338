// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// oldestFirstSource pages through its events oldest first: a server (or a proxy that
// re-sorts) that does not keep LookupEvents' newest-first order. A token is an offset.
type oldestFirstSource struct{ events []cloudtrail.Event }

func (o *oldestFirstSource) Lookup(_ context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	var match []cloudtrail.Event
	for _, e := range o.events {
		if !e.Time.Before(q.Start) && !e.Time.After(q.End) {
			match = append(match, e)
		}
	}
	slices.SortStableFunc(match, func(a, b cloudtrail.Event) int { return a.Time.Compare(b.Time) })
	from := 0
	if token != "" {
		from, _ = strconv.Atoi(token)
	}
	to := min(from+cloudtrail.MaxResults, len(match))
	p := cloudtrail.Page{Events: slices.Clone(match[from:to])}
	if to < len(match) {
		p.NextToken = strconv.Itoa(to)
	}
	return p, nil
}

// Splitting a slice trusts that the pages read so far hold everything newer than their
// oldest event. Pages that are not newest first break that: the stream must then read
// the slice whole rather than commit past events on pages it never read.
func TestPagesNotNewestFirstLoseNothing(t *testing.T) {
	clock := newFakeClock(t0)
	src := &oldestFirstSource{}
	var want []string
	for i := range 1080 { // every 10 s for three hours
		e := fakeRecord(fakeUUID(uint64(i+1)), "UpdateAlert", t0.Add(-3*time.Hour+time.Duration(i)*10*time.Second), false)
		src.events = append(src.events, e)
		want = append(want, e.ID)
	}
	sink := new(consumertest.LogsSink)
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-3 * time.Hour),
		TargetEvents: 40, MaxEvents: 100}
	s := NewStream(set, Deps{Source: src, Next: sink, Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	for range 3 {
		clock.Advance(time.Minute)
		require.NoError(t, s.Poll(context.Background()))
	}
	assert.ElementsMatch(t, want, emittedIDs(sink), "0 lost, 0 duplicated")
}
