package poll

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
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
// read. split is zero when the whole slice was read.
func (s *Stream) fetch(ctx context.Context, a, b time.Time, canSplit bool) (events []cloudtrail.Event, split time.Time, err error) {
	q := cloudtrail.Query{EventSource: s.set.EventSource, Category: s.set.Category, Start: a, End: b}
	token, restarts := "", 0
	for {
		page, err := s.deps.Source.Lookup(ctx, q, token)
		if cloudtrail.Classify(err) == cloudtrail.KindInvalidToken && restarts < maxTokenRestarts {
			restarts++
			s.deps.Logger.Debug("NextToken refused; restarting slice", zap.String("stream", s.key))
			events, token = events[:0], ""
			continue
		}
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("LookupEvents %s [%s, %s]: %w", s.set.EventSource,
				a.Format(time.RFC3339), b.Format(time.RFC3339), err)
		}
		events = append(events, page.Events...)
		if page.NextToken == "" {
			return events, time.Time{}, nil
		}
		if oldest := events[len(events)-1].Time; canSplit && len(events) >= s.set.MaxEvents &&
			oldest.After(a) && oldest.Before(b) {
			return events, oldest, nil
		}
		token = page.NextToken
	}
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

// emit sorts a slice's events oldest first, drops the ones already emitted and the ones
// the filters exclude, translates the rest, hands them to the pipeline and, only once it
// accepted them, commits and persists the new position.
func (s *Stream) emit(ctx context.Context, events []cloudtrail.Event, sl slice) error {
	sort.SliceStable(events, func(i, j int) bool {
		if !events[i].Time.Equal(events[j].Time) {
			return events[i].Time.Before(events[j].Time)
		}
		return events[i].ID < events[j].ID
	})
	batch := translate.NewBatch(s.set.Translate)
	handled := make(map[string]time.Time)
	dups, malformed := 0, 0
	observed := s.deps.Observed()
	for i := range events {
		e := &events[i]
		if _, ok := s.state.Seen[e.ID]; ok {
			dups++
			continue
		}
		if _, ok := handled[e.ID]; ok {
			continue // the same event on two pages of one slice
		}
		if !s.set.wants(e) {
			continue
		}
		handled[e.ID] = e.Time
		if err := s.add(batch, e, observed); err != nil {
			malformed++
			s.deps.Logger.Debug("Skipping malformed CloudTrail event", zap.String("stream", s.key),
				zap.String("event_id", e.ID), zap.Error(err))
		}
	}
	n := batch.Len()
	if n > 0 {
		if err := s.deps.Next.ConsumeLogs(ctx, batch.Logs()); err != nil {
			return fmt.Errorf("pipeline refused %d events of %s: %w", n, s.key, err)
		}
	}
	s.commit(ctx, sl, handled)
	s.deps.Metrics.Emitted(ctx, n)
	s.deps.Metrics.Duplicates(ctx, dups)
	s.deps.Metrics.Malformed(ctx, malformed)
	return nil
}

// commit advances the position past an accepted slice and persists it.
func (s *Stream) commit(ctx context.Context, sl slice, handled map[string]time.Time) {
	for id, t := range handled {
		s.state.Seen[id] = t
	}
	if sl.end.After(s.state.Head) {
		s.state.Head = sl.end
	}
	if sl.settles {
		settled := sl.queried.Add(-s.set.MaxEventDelay)
		if sl.end.Before(settled) {
			settled = sl.end
		}
		if settled.After(s.state.Settled) {
			s.state.Settled = settled
			s.state.Prune()
		}
	}
	s.head.Store(s.state.Head.UnixNano())
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	if err := s.deps.Store.Save(saveCtx, s.key, s.state); err != nil {
		// The events were delivered; the next successful save covers them. A crash
		// before then re-emits them (at-least-once), it loses nothing.
		s.deps.Logger.Warn("Failed to save checkpoint", zap.String("stream", s.key), zap.Error(err))
	}
}

// add translates one event into batch: without redaction straight from the string the
// SDK decoded (no copy), else from the redacted bytes.
func (s *Stream) add(batch *translate.Batch, e *cloudtrail.Event, observed time.Time) error {
	if s.set.Redact.Enabled() {
		return batch.Add(s.set.Redact.Record([]byte(e.Record)), e.Time, observed)
	}
	return batch.AddString(e.Record, e.Time, observed)
}
