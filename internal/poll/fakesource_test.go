// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// fakeEvent is one event of a fakeSource: visible from visibleAt on.
type fakeEvent struct {
	ev        cloudtrail.Event
	visibleAt time.Time
}

// fakeSource answers Lookup from a list of events, newest first, in pages of random legal
// shapes drawn from rng: empty pages that still carry a NextToken, short pages, and the
// last event of a page repeated on the next one. A token is the position of the last
// event returned, so events that become visible between pages do not shift later pages.
type fakeSource struct {
	mu     sync.Mutex
	rng    *rand.Rand
	now    func() time.Time
	events []fakeEvent // newest first once sorted
	sorted bool
	// Page shape knobs (probabilities in [0, 1]).
	emptyPage, shortPage, repeatLast float64
	// pageSizes, while not used up, fix the sizes of the next pages.
	pageSizes []int
	calls     int
	// emptyRun is how many empty pages in a row the source returned: it returns at most
	// maxTokenRepeats/2, as a longer run of one token is what the stream calls a loop.
	emptyRun int
	// serverOffset is added to now() for ServerTime; serverTime false leaves it zero.
	serverOffset time.Duration
	serverTime   bool
}

func (f *fakeSource) add(e fakeEvent) {
	f.mu.Lock()
	f.events = append(f.events, e)
	f.sorted = false
	f.mu.Unlock()
}

// newestFirst orders events as LookupEvents returns them; ties by ID, descending.
func newestFirst(a, b cloudtrail.Event) int {
	if c := b.Time.Compare(a.Time); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

func (f *fakeSource) Lookup(_ context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	now := f.now().Add(f.serverOffset)
	if !f.sorted {
		slices.SortFunc(f.events, func(a, b fakeEvent) int { return newestFirst(a.ev, b.ev) })
		f.sorted = true
	}
	lo, _ := slices.BinarySearchFunc(f.events, q.End, func(e fakeEvent, t time.Time) int { return t.Compare(e.ev.Time) })
	var match []cloudtrail.Event
	for _, e := range f.events[lo:] {
		if e.ev.Time.Before(q.Start) {
			break
		}
		if !e.visibleAt.After(now) {
			match = append(match, e.ev)
		}
	}
	start := 0
	if token != "" {
		pos, err := parseToken(token)
		if err != nil {
			return cloudtrail.Page{}, err
		}
		start = len(match)
		for i, e := range match { // first event strictly after the position
			if e.Time.Before(pos.Time) || (e.Time.Equal(pos.Time) && e.ID < pos.ID) {
				start = i
				break
			}
		}
		if f.rng.Float64() < f.repeatLast && start > 0 {
			start-- // the same event again on the next page
		}
	}
	page := cloudtrail.Page{}
	if f.serverTime {
		page.ServerTime = now.Truncate(time.Second) // HTTP Date has a resolution of a second
	}
	n := cloudtrail.MaxResults
	switch r := f.rng.Float64(); {
	case len(f.pageSizes) > 0:
		n, f.pageSizes = f.pageSizes[0], f.pageSizes[1:]
	case r < f.emptyPage:
		n = 0
	case r < f.emptyPage+f.shortPage:
		n = f.rng.IntN(cloudtrail.MaxResults)
	}
	if n == 0 && f.emptyRun >= maxTokenRepeats/2 {
		n = 1
	}
	end := min(start+n, len(match))
	page.Events = slices.Clone(match[start:end])
	if len(page.Events) == 0 {
		f.emptyRun++
	} else {
		f.emptyRun = 0
	}
	if end < len(match) {
		var last cloudtrail.Event
		switch {
		case end > start:
			last = match[end-1]
		case start > 0:
			last = match[start-1]
		default:
			last = cloudtrail.Event{Time: q.End.Add(time.Nanosecond), ID: "\xff"} // before the first
		}
		page.NextToken = fmt.Sprintf("%d|%s", last.Time.UnixNano(), last.ID)
	}
	return page, nil
}

func parseToken(tok string) (cloudtrail.Event, error) {
	ns, id, ok := strings.Cut(tok, "|")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil {
		return cloudtrail.Event{}, fmt.Errorf("bad token %q", tok)
	}
	return cloudtrail.Event{Time: time.Unix(0, n).UTC(), ID: id}, nil
}

// fakeRecord is a minimal CloudTrail record of the Lookout for Metrics source.
func fakeRecord(id, name string, at time.Time, readOnly bool) cloudtrail.Event {
	rec := fmt.Sprintf(`{"eventVersion":"1.11","eventID":%q,"eventTime":%q,"eventSource":%q,"eventName":%q,`+
		`"awsRegion":"us-east-1","recipientAccountId":"123456789012","readOnly":%t}`,
		id, at.UTC().Format(time.RFC3339), lfm, name, readOnly)
	return cloudtrail.Event{ID: id, Name: name, Time: at.UTC(), ReadOnly: strconv.FormatBool(readOnly), Record: rec}
}

// fakeUUID is a UUID-shaped event ID built from n.
func fakeUUID(n uint64) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", n>>32, (n>>16)&0xffff, n&0xfff, (n>>12)&0xfff, n)
}

// editedSource answers as its Source, then edits every page it returns without an
// error: a result that leaves optional members out, a response with a bad Date.
type editedSource struct {
	Source
	edit func(p *cloudtrail.Page)
}

func (e editedSource) Lookup(ctx context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error) {
	p, err := e.Source.Lookup(ctx, q, token)
	if err == nil {
		e.edit(&p)
	}
	return p, err
}

// eachEvent edits every event of a page.
func eachEvent(edit func(e *cloudtrail.Event)) func(p *cloudtrail.Page) {
	return func(p *cloudtrail.Page) {
		for i := range p.Events {
			edit(&p.Events[i])
		}
	}
}
