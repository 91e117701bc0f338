// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/deliver"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// maxSplitDepth bounds how often a slice is split inside a split slice; past it a slice
// is read whole.
const maxSplitDepth = 3

// maxTokenRestarts bounds how often one slice restarts after InvalidNextTokenException.
const maxTokenRestarts = 3

// saveTimeout bounds a checkpoint write that runs after the poll's context ended: the
// slice was accepted, and saving it spares a duplicate on the next start.
const saveTimeout = 5 * time.Second

type slice struct {
	start, end time.Time
	queried    time.Time // when the first page was asked for
	settles    bool
}

// fetch gathers the pages of [a, b], newest first. When canSplit and the slice outgrows
// MaxEvents, it stops and returns the split time: the events it returns cover
// (split, b] completely (those at exactly split may be cut), and [a, split] is left to
// read. split is zero when the whole slice was read. served is the server's clock when
// it answered the first page (zero if unknown).
func (s *Stream) fetch(ctx context.Context, a, b time.Time, canSplit bool) (events []cloudtrail.Event, split, served time.Time, err error) {
	q := cloudtrail.Query{EventSource: s.set.EventSource, Category: s.set.Category, Start: a, End: b}
	token, restarts, narrowed := "", 0, 0
	used := make(map[string]int) // how often each token came back in this reading of the slice
	ordered := true              // the events gathered are newest first, as LookupEvents promises
	for {
		page, err := s.deps.Source.Lookup(ctx, q, token)
		if cloudtrail.Classify(err) == cloudtrail.KindInvalidToken && restarts < maxTokenRestarts {
			restarts++
			s.deps.Logger.Debug("NextToken refused; restarting slice", zap.String("stream", s.key))
			events, token, ordered = events[:0], "", true
			clear(used)
			continue
		}
		if cloudtrail.IsInvalidTimeRange(err) && narrowed < maxNarrowings {
			narrowed++
			t, _ := cloudtrail.ServerTimeOf(err)
			s.observeServer(t)
			if !s.narrow(&q, narrowed) {
				return nil, time.Time{}, s.clock.now(), nil // nothing of [a, b] is readable
			}
			events, token, ordered = events[:0], "", true
			clear(used)
			continue
		}
		if err != nil {
			return nil, time.Time{}, time.Time{}, fmt.Errorf("LookupEvents %s [%s, %s]: %w", s.set.EventSource,
				q.Start.Format(time.RFC3339), q.End.Format(time.RFC3339), err)
		}
		s.observeServer(page.ServerTime)
		if served.IsZero() {
			served = page.ServerTime
		}
		s.fillMissing(page.Events, q)
		ordered = ordered && continuesNewestFirst(events, page.Events)
		events = append(events, page.Events...)
		s.heldPeak = max(s.heldPeak, s.holding+len(events))
		if page.NextToken == "" {
			return events, time.Time{}, served, nil
		}
		// A page may hold no events and still carry a token: only a non-empty gathering
		// has an oldest event to split at. Only pages newest first tell that the pages
		// still unread hold nothing newer than it.
		if canSplit && ordered && len(events) >= s.set.MaxEvents {
			if oldest := events[len(events)-1].Time; oldest.After(a) && oldest.Before(b) {
				return events, oldest, served, nil
			}
		}
		if used[page.NextToken]++; used[page.NextToken] > maxTokenRepeats {
			// Following it would ask forever and gather the same events without bound.
			return nil, time.Time{}, time.Time{}, fmt.Errorf("LookupEvents %s [%s, %s]: %w", s.set.EventSource,
				q.Start.Format(time.RFC3339), q.End.Format(time.RFC3339), ErrTokenLoop)
		}
		token = page.NextToken
	}
}

// continuesNewestFirst reports whether page continues gathered newest first (ties in any order).
func continuesNewestFirst(gathered, page []cloudtrail.Event) bool {
	prev := time.Time{}
	if len(gathered) > 0 {
		prev = gathered[len(gathered)-1].Time
	}
	for i, e := range page {
		if (i > 0 || len(gathered) > 0) && e.Time.After(prev) {
			return false
		}
		prev = e.Time
	}
	return true
}

// maxTokenRepeats is how often one NextToken may come back within one reading of a slice.
// A page that holds no events may carry the token it was asked with (the server's scan
// has not moved yet); a token that keeps coming back is a pagination loop.
const maxTokenRepeats = 10

// ErrTokenLoop is a LookupEvents pagination that kept returning the same NextToken within
// one reading of a slice: the poll fails, nothing advances, and the next poll reads the
// slice again.
var ErrTokenLoop = errors.New("NextToken repeats an earlier page's (pagination loop)")

// maxNarrowings bounds how often one slice is narrowed after InvalidTimeRangeException;
// past it the poll fails and the next poll plans again.
const maxNarrowings = 2

// narrow fits q into what LookupEvents accepts by the server's clock: not before the
// history's start, not after now, with a margin that grows with each refusal. It
// returns false when nothing of q is left.
func (s *Stream) narrow(q *cloudtrail.Query, step int) bool {
	now := s.clock.now()
	margin := time.Duration(step) * time.Minute
	lo, hi := now.Add(-Retention+time.Minute+margin), now.Add(-margin/60)
	before := *q
	q.Start, q.End = maxTime(q.Start, lo), minTime(q.End, hi)
	s.deps.Logger.Warn("LookupEvents refused the time range; narrowing it to the server's", zap.String("stream", s.key),
		zap.Time("start", before.Start), zap.Time("end", before.End), zap.Time("server_now", now),
		zap.Time("new_start", q.Start), zap.Time("new_end", q.End))
	return !q.Start.After(q.End)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// newerThan returns the events (newest first) whose time is after t.
func newerThan(newestFirst []cloudtrail.Event, t time.Time) []cloudtrail.Event {
	n := len(newestFirst)
	for n > 0 && !newestFirst[n-1].Time.After(t) {
		n--
	}
	return newestFirst[:n]
}

// shrink sets sliceDur from the pages read so far: they cover [oldest read, b].
func (s *Stream) shrink(newestFirst []cloudtrail.Event, a, b time.Time) {
	covered := b.Sub(newestFirst[len(newestFirst)-1].Time)
	if covered < s.set.MinSlice {
		covered = s.set.MinSlice
	}
	d := time.Duration(float64(covered) * float64(s.set.TargetEvents) / float64(len(newestFirst)))
	if half := b.Sub(a) / 2; d > half {
		d = half
	}
	s.sliceDur = s.clampSlice(d)
}

// adapt sizes the next slice so that it holds about TargetEvents at the density just seen;
// it grows at most eightfold per slice.
func (s *Stream) adapt(n int, d time.Duration) {
	if d <= 0 {
		return
	}
	if n == 0 {
		s.sliceDur = s.clampSlice(8 * s.sliceDur)
		return
	}
	next := time.Duration(float64(d) * float64(s.set.TargetEvents) / float64(n))
	if next > 8*s.sliceDur {
		next = 8 * s.sliceDur
	}
	s.sliceDur = s.clampSlice(next)
}

func (s *Stream) clampSlice(d time.Duration) time.Duration {
	return min(max(d, s.set.MinSlice), s.set.MaxSlice)
}

// emitChunk bounds the records of one pipeline call: a slice is translated and delivered
// in parts of at most this many records, each under a delivering place of the gate, so
// translated records and the exporter's work on them stay bounded however large the
// slice (Settings.MaxEvents) and however many streams read at once.
const emitChunk = 250

// emit sorts a slice's events oldest first, drops the ones already emitted and the ones
// the filters exclude, translates the rest and hands them to the pipeline in parts of at
// most emitChunk records, and, only once it accepted every part, commits and persists
// the new position. A part refused for now fails the slice: the next poll reads it again,
// and the parts delivered before it are then known as emitted, not emitted again.
func (s *Stream) emit(ctx context.Context, events []cloudtrail.Event, sl slice) error {
	sort.SliceStable(events, func(i, j int) bool {
		if !events[i].Time.Equal(events[j].Time) {
			return events[i].Time.Before(events[j].Time)
		}
		return events[i].ID < events[j].ID
	})
	handled := make(map[string]time.Time)
	var wanted []*cloudtrail.Event
	var t tally
	for i := range events {
		e := &events[i]
		if _, ok := s.state.Seen[e.ID]; ok {
			t.dups++
			continue
		}
		if _, ok := handled[e.ID]; ok {
			continue // the same event on two pages of one slice
		}
		// Filtered events count as read too, so a filter never makes the stream read
		// its overlap window again (see plan).
		handled[e.ID] = e.Time
		if !s.set.wants(e) {
			continue
		}
		if s.deps.Emitted != nil && s.deps.Emitted.Contains(e.ID) {
			t.dups++ // the other input (EventBridge, a trail file) emitted it
			continue
		}
		wanted = append(wanted, e)
	}
	observed := s.deps.Observed()
	var done []*cloudtrail.Event
	for lo := 0; lo < len(wanted); lo += emitChunk {
		part, err := s.deliverPart(ctx, wanted[lo:min(lo+emitChunk, len(wanted))], observed, &t)
		done = append(done, part...)
		if err != nil {
			// What the pipeline took, or refused for good, is done with: the slice read
			// again must not send it again. Only that is counted now; the rest (duplicates,
			// malformed events) is counted by the reading that commits the slice.
			for _, e := range done {
				s.state.Add(e.ID, e.Time)
			}
			t.report(ctx, s, false)
			return err
		}
	}
	s.commit(ctx, sl, handled)
	t.report(ctx, s, true)
	return nil
}

// tally counts what became of a slice's events.
type tally struct {
	delivered, dups, malformed, unredactable int
	dropped                                  []string // refused for good
	cause                                    error
}

// report logs the events refused for good and counts what the slice delivered and
// dropped; a committed slice also counts its duplicates and the events it could not
// translate (a slice that failed counts those when it is read again).
func (t *tally) report(ctx context.Context, s *Stream, committed bool) {
	if len(t.dropped) > 0 {
		s.deps.Logger.Warn("Pipeline refused events permanently; dropping them", zap.String("stream", s.key),
			zap.Int("refused", len(t.dropped)), zap.Int("delivered", t.delivered),
			zap.Strings("event_ids", t.dropped), zap.Error(t.cause))
	}
	s.deps.Metrics.Emitted(ctx, t.delivered)
	s.deps.Metrics.Refused(ctx, len(t.dropped))
	if !committed {
		return
	}
	s.deps.Metrics.Duplicates(ctx, t.dups)
	s.deps.Metrics.Malformed(ctx, t.malformed)
	if m, ok := s.deps.Metrics.(RedactionMetrics); ok {
		m.RedactionDropped(ctx, t.unredactable)
	}
}

// deliverPart translates events and hands them to the pipeline under a delivering place.
// It returns the events done with (the ones the pipeline accepted or refused for good:
// with an error, the ones before the records it refused for now) and, when the pipeline
// refused the part, or the rest of it, for now, the error. A delivered event's record is
// let go: nothing reads it again, and a slice of hundreds of records is not held while
// its later parts are sent.
func (s *Stream) deliverPart(ctx context.Context, events []*cloudtrail.Event, observed time.Time, t *tally) ([]*cloudtrail.Event, error) {
	if err := s.deps.Gate.enterDelivery(ctx); err != nil {
		return nil, err
	}
	defer s.deps.Gate.leaveDelivery()
	batch := translate.NewBatch(s.set.Translate)
	good := make([]*cloudtrail.Event, 0, len(events))
	for _, e := range events {
		if err := s.add(batch, e, observed); err != nil {
			if refused := (*redact.Error)(nil); errors.As(err, &refused) {
				// Fail closed: a record the redactor cannot read is never exported.
				t.unredactable++
				s.deps.Logger.Debug("Dropping CloudTrail event that cannot be redacted", zap.String("stream", s.key),
					zap.String("event_id", e.ID), zap.Error(err))
				continue
			}
			t.malformed++
			s.deps.Logger.Debug("Skipping malformed CloudTrail event", zap.String("stream", s.key),
				zap.String("event_id", e.ID), zap.Error(err))
			continue
		}
		good = append(good, e)
	}
	res, err := deliver.Deliver(ctx, s.deps.Next, &eventBatch{s: s, first: batch.Logs(), events: good, observed: observed})
	// Deliver sends a part's records in order, bisecting left to right: when it is refused
	// for now half way, the records before (delivered, or dropped for good) are done with.
	done := good[:res.Delivered+len(res.Dropped)]
	t.delivered += res.Delivered
	t.dropped = append(t.dropped, res.Dropped...)
	if res.Cause != nil {
		t.cause = res.Cause
	}
	accepted := done
	if len(res.Dropped) > 0 {
		refused := make(map[string]bool, len(res.Dropped))
		for _, id := range res.Dropped {
			refused[id] = true
		}
		accepted = make([]*cloudtrail.Event, 0, len(done)-len(res.Dropped))
		for _, e := range done {
			if !refused[e.ID] {
				accepted = append(accepted, e)
			}
		}
	}
	if s.deps.Emitted != nil {
		ids := make([]string, len(accepted))
		for i, e := range accepted {
			ids[i] = e.ID
		}
		s.deps.Emitted.Add(ids...) // what was refused for good was not emitted
	}
	if err != nil {
		return done, fmt.Errorf("pipeline refused %d events of %s: %w", len(good)-len(done), s.key, err)
	}
	for _, e := range events {
		e.Record = ""
	}
	return good, nil
}

// eventBatch is a slice's translated events as a deliver.Batch: the whole batch is the
// one already translated; parts (only after a permanent refusal) are translated again.
type eventBatch struct {
	s        *Stream
	first    plog.Logs
	used     bool
	events   []*cloudtrail.Event
	observed time.Time
}

func (b *eventBatch) Len() int        { return len(b.events) }
func (b *eventBatch) ID(i int) string { return b.events[i].ID }

func (b *eventBatch) Logs(lo, hi int) plog.Logs {
	if lo == 0 && hi == len(b.events) && !b.used {
		b.used = true
		return b.first
	}
	part := translate.NewBatch(b.s.set.Translate)
	for _, e := range b.events[lo:hi] {
		_ = b.s.add(part, e, b.observed) // it translated once: it translates again
	}
	return part.Logs()
}

// commit advances the position past an accepted slice and persists it.
func (s *Stream) commit(ctx context.Context, sl slice, handled map[string]time.Time) {
	for id, t := range handled {
		s.state.Add(id, t)
	}
	// Nothing past the server's clock when it answered has been read: not even a slice
	// planned past it (a host clock jump) moves the head or the settled point beyond it.
	if head := minTime(sl.end, sl.queried); head.After(s.state.Head) {
		s.state.Head = head
	}
	if sl.settles {
		settled := onGrid(minTime(sl.end, sl.queried.Add(-s.set.MaxEventDelay)))
		if settled.After(s.state.Settled) {
			s.state.Settled = settled
			s.state.Prune()
		}
	}
	s.head.Store(s.state.Head.UnixNano())
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	s.saveErr = s.deps.Store.Save(saveCtx, s.key, s.state)
	if s.saveErr != nil {
		// The events were delivered; the next successful save covers them. A crash
		// before then re-emits them (at-least-once), it loses nothing. Poll reports it.
		s.deps.Metrics.CheckpointSaveFailed(ctx)
		s.deps.Logger.Debug("Failed to save checkpoint", zap.String("stream", s.key), zap.Error(s.saveErr))
	}
}

// onGrid moves a settled point back to a whole second. The next poll's StartTime starts
// there and the seen IDs before it are dropped; a server that reads StartTime coarser than
// a point inside a second (the SDK sends milliseconds, event times are whole seconds)
// would return again the events of that second that were already emitted and forgotten.
func onGrid(t time.Time) time.Time { return t.Truncate(time.Second) }

// add translates one event into batch: without redaction straight from the string the
// SDK decoded (no copy), else from the redacted bytes. A record the redactor refuses
// yields its *redact.Error.
func (s *Stream) add(batch *translate.Batch, e *cloudtrail.Event, observed time.Time) error {
	if s.set.Redact.Enabled() {
		rec, err := s.set.Redact.Record([]byte(e.Record))
		if err != nil {
			return err
		}
		return batch.Add(rec, e.Time, observed)
	}
	return batch.AddString(e.Record, e.Time, observed)
}
