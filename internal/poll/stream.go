// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package poll turns one CloudTrail stream (an account, a region and an event source)
// into log batches without losing late events: every poll reads from the settled point to
// now in time slices, oldest first, drops the events already emitted, and advances and
// persists its checkpoint only after the pipeline accepted a slice.
package poll // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// Retention is how far back LookupEvents reaches.
const Retention = 90 * 24 * time.Hour

// Source reads one page of LookupEvents results.
type Source interface {
	Lookup(ctx context.Context, q cloudtrail.Query, token string) (cloudtrail.Page, error)
}

// Metrics receives the stream's per-event counts.
type Metrics interface {
	Emitted(ctx context.Context, n int)
	Duplicates(ctx context.Context, n int)
	Malformed(ctx context.Context, n int)
	// Refused counts events the pipeline refused permanently (dropped).
	Refused(ctx context.Context, n int)
	// CheckpointSaveFailed counts one failed checkpoint write.
	CheckpointSaveFailed(ctx context.Context)
}

// RedactionMetrics is implemented by Metrics that count the events dropped because the
// redactor could not read them (see redact.Error).
type RedactionMetrics interface {
	RedactionDropped(ctx context.Context, n int)
}

// Deps are what a Stream talks to.
type Deps struct {
	Source   Source
	Next     consumer.Logs
	Store    checkpoint.Store
	Metrics  Metrics
	Logger   *zap.Logger
	Now      func() time.Time // defaults to time.Now
	Observed func() time.Time // ObservedTimestamp of records; defaults to Now
	// Emitted, when set, is the receiver's index of event IDs its inputs emitted, shared
	// with the SQS input: an event already in it is not emitted again, and every event
	// the pipeline accepts is added to it.
	Emitted EmittedIndex
	// Gate, when set, is shared by the streams of a receiver and bounds how many of them
	// read a slice at once (see Gate).
	Gate *Gate
}

// EmittedIndex is a set of emitted event IDs that several inputs share.
type EmittedIndex interface {
	Contains(id string) bool
	Add(ids ...string)
}

// Stream polls one account-region-event source.
type Stream struct {
	set      Settings
	deps     Deps
	key      string
	state    checkpoint.State
	loaded   bool
	sliceDur time.Duration
	head     atomic.Int64 // state.Head in Unix nanoseconds, for the lag gauge

	// holding is the events the enclosing levels of a split slice hold while the
	// older part is read; heldPeak is the most events the stream held at once.
	holding, heldPeak int

	saveErr    error // the last checkpoint save's, nil once one succeeds
	clock      serverClock
	probed     bool // the server's clock was asked for once
	skewLogged bool
}

// NewStream returns a stream; its checkpoint is loaded on the first Poll.
func NewStream(set Settings, deps Deps) *Stream {
	set = set.withDefaults()
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Observed == nil {
		deps.Observed = deps.Now
	}
	if deps.Metrics == nil {
		deps.Metrics = nopMetrics{}
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	return &Stream{set: set, deps: deps, key: set.CheckpointKey(), sliceDur: set.InitialSlice,
		clock: serverClock{host: deps.Now}}
}

// ClockSkew returns the server's clock minus the host's, as of the last response; ok is
// false before the first response that carried a Date.
func (s *Stream) ClockSkew() (skew time.Duration, ok bool) { return s.clock.skew() }

// Lag returns how far the stream's head trails the server's now; ok is false before the
// first poll.
func (s *Stream) Lag() (time.Duration, bool) {
	head := s.Head()
	if head.IsZero() {
		return 0, false
	}
	return s.clock.now().Sub(head), true
}

// Head returns the time up to which the stream has been read completely (zero before the
// first poll).
func (s *Stream) Head() time.Time {
	ns := s.head.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// Poll reads everything from the settled point to now. On any error nothing past the last
// accepted slice advances, and the next Poll reads the rest again.
func (s *Stream) Poll(ctx context.Context) error {
	if err := s.load(ctx); err != nil {
		return err
	}
	if err := s.probeClock(ctx, false); err != nil {
		return err
	}
	now := s.clock.now()
	if s.aheadOf(now) {
		// Either the checkpoint is ahead of the server, or the estimate fell behind it
		// (a host suspended, or its clock set back): ask before pulling anything back.
		if err := s.probeClock(ctx, true); err != nil {
			return err
		}
		now = s.clock.now()
	}
	s.clampToNow(now)
	s.clampRetention(now)
	for _, sp := range s.plan(now) {
		if err := s.readSpan(ctx, sp); err != nil {
			return err
		}
	}
	if s.saveErr != nil {
		return fmt.Errorf("%w: %w", ErrCheckpointSave, s.saveErr)
	}
	return nil
}

// ErrCheckpointSave is a poll whose events were delivered but whose position could not
// be persisted: the stream goes on from memory, and a crash before the next successful
// save re-emits them (duplicates, never loss). It is reported until a save succeeds.
var ErrCheckpointSave = errors.New("checkpoint not saved")

func (s *Stream) load(ctx context.Context) error {
	if s.loaded {
		return nil
	}
	st, found, err := s.deps.Store.Load(ctx, s.key)
	var corrupt *checkpoint.CorruptError
	switch {
	case errors.As(err, &corrupt):
		// Waiting would not mend it: start again at start_at (duplicates, never loss).
		s.deps.Logger.Error("Checkpoint cannot be read; starting the stream again at start_at",
			zap.String("stream", s.key), zap.Time("start_at", s.set.Start), zap.Error(err))
	case err != nil:
		return err
	}
	if !found {
		st = checkpoint.State{Settled: s.set.Start, Head: s.set.Start, Seen: map[string]time.Time{}}
	} else {
		s.deps.Logger.Info("Resuming from checkpoint", zap.String("stream", s.key),
			zap.Time("settled", st.Settled), zap.Time("head", st.Head), zap.Int("seen", len(st.Seen)))
	}
	s.state, s.loaded = st, true
	s.head.Store(st.Head.UnixNano())
	return nil
}

// probeClock learns the server's clock before the first query, so that no query reaches
// past the server's now: one request for an instant an hour ago by the host (its events
// are not used). A refusal still carries a Date. A source that gives no server time
// leaves the host clock in charge.
func (s *Stream) probeClock(ctx context.Context, force bool) error {
	if !force && (s.probed || s.clock.isKnown()) {
		return nil
	}
	at := s.deps.Now().Add(-time.Hour)
	// Under a place like a slice: every stream of a receiver starting at once would
	// otherwise send its probe at once.
	var page cloudtrail.Page
	var err error
	if gateErr := s.deps.Gate.Do(ctx, func() {
		page, err = s.deps.Source.Lookup(ctx, cloudtrail.Query{EventSource: s.set.EventSource, Start: at, End: at}, "")
	}); gateErr != nil {
		return gateErr
	}
	switch {
	case err == nil:
		s.observeServer(page.ServerTime)
	case cloudtrail.IsInvalidTimeRange(err):
		t, _ := cloudtrail.ServerTimeOf(err)
		s.observeServer(t)
	default:
		return fmt.Errorf("LookupEvents %s (server clock): %w", s.set.EventSource, err)
	}
	s.probed = true
	return nil
}

// observeServer takes the server time of a response (zero: none) and logs a skew over
// skewWarn once.
func (s *Stream) observeServer(t time.Time) {
	if t.IsZero() {
		return
	}
	skew := s.clock.observe(t)
	if !s.skewLogged && (skew > skewWarn || skew < -skewWarn) {
		s.skewLogged = true
		s.deps.Logger.Warn("Host clock differs from the CloudTrail server's; the stream follows the server's",
			zap.String("stream", s.key), zap.Duration("server_minus_host", skew.Round(time.Second)))
	}
}

// skewWarn is the clock skew worth a warning.
const skewWarn = time.Minute

// aheadOf reports whether the position is past what now allows.
func (s *Stream) aheadOf(now time.Time) bool {
	return s.state.Settled.After(now.Add(-s.set.MaxEventDelay)) || s.state.Head.After(now)
}

// clampToNow pulls a position that is ahead of the server's clock back: a checkpoint
// written by a host whose clock ran ahead, or moved by a clock jump, must not skip the
// events still to come. Settled is never past now - MaxEventDelay, Head never past now.
// Reading the gap again costs duplicates, never loss.
func (s *Stream) clampToNow(now time.Time) {
	edge := now.Add(-s.set.MaxEventDelay)
	if s.state.Settled.After(edge) {
		s.deps.Logger.Warn("Checkpoint is ahead of the server's clock; reading the gap again",
			zap.String("stream", s.key), zap.Time("settled", s.state.Settled), zap.Time("server_now", now))
		s.state.Settled = onGrid(edge)
	}
	if s.state.Head.After(now) {
		s.state.Head = now
		s.head.Store(now.UnixNano())
	}
}

// clampRetention moves a position older than LookupEvents' reach to the oldest reachable
// time (plus a minute of margin for clock skew), and says so: events before it are gone.
func (s *Stream) clampRetention(now time.Time) {
	oldest := onGrid(now.Add(-Retention + time.Minute))
	if !s.state.Settled.Before(oldest) {
		return
	}
	s.deps.Logger.Warn("Checkpoint is older than CloudTrail event history; resuming at its oldest event",
		zap.String("stream", s.key), zap.Time("checkpoint", s.state.Settled), zap.Time("resume_at", oldest))
	s.state.Settled = oldest
	if s.state.Head.Before(oldest) {
		s.state.Head = oldest
	}
	s.state.Prune()
}

// span is a time range to read in slices. settles says whether it starts at the settled
// point, so reading it may move that point.
type span struct {
	start, end time.Time
	settles    bool
}

// plan picks what to read. Normally that is [Settled, now]: the overlap window is read
// again on every poll, so a late event is emitted one poll after it becomes visible. When
// the overlap holds so many events that reading it every poll would eat the quota, only
// the part leaving the window is read again, plus [Head, now]: each event is then read
// twice in all, and a late one is emitted when its time leaves the window.
func (s *Stream) plan(now time.Time) []span {
	settled, head := s.state.Settled, s.state.Head
	if len(s.state.Seen) <= s.set.MaxOverlapEvents || !head.After(now.Add(-s.set.MaxEventDelay)) {
		return []span{{start: settled, end: now, settles: true}}
	}
	var spans []span
	if edge := now.Add(-s.set.MaxEventDelay); !edge.Before(settled) {
		spans = append(spans, span{start: settled, end: edge, settles: true})
	}
	return append(spans, span{start: head, end: now})
}

func (s *Stream) readSpan(ctx context.Context, sp span) error {
	return s.readRange(ctx, sp.start, sp.end, sp.settles, 0)
}

// readRange reads [start, end] in slices of sliceDur, oldest first. With ReadAgainOnSplit,
// the slices of a slice read again (depth > 0) do not grow past the size its pages
// measured: an empty stretch before the dense part would otherwise grow them eightfold
// each, and the next dense slice would outgrow MaxEvents again, down to the last split
// level, which is read whole.
func (s *Stream) readRange(ctx context.Context, start, end time.Time, settles bool, depth int) error {
	limit := s.sliceDur
	a := start
	for !a.After(end) {
		if depth > 0 && s.set.ReadAgainOnSplit {
			s.sliceDur = min(s.sliceDur, limit)
		}
		b := a.Add(s.sliceDur)
		if b.After(end) {
			b = end
		}
		if err := s.readSlice(ctx, a, b, settles, depth); err != nil {
			return err
		}
		if !b.Before(end) {
			return nil
		}
		a = b // inclusive bounds: events at exactly b are read twice and de-duplicated
	}
	return nil
}

// readSlice reads [a, b] and emits it. A slice that outgrows MaxEvents is split where its
// pages (newest first) got to: the older rest is read first, in smaller slices, then the
// newer part already in hand is emitted. No page is read twice, and memory holds at most
// one slice per split level (maxSplitDepth). With ReadAgainOnSplit the newer part is let
// go and [a, b] is read again in smaller slices: memory holds one slice.
func (s *Stream) readSlice(ctx context.Context, a, b time.Time, settles bool, depth int) error {
	if depth == 0 {
		// A slice and the smaller ones it splits into are read under one place.
		var err error
		if gateErr := s.deps.Gate.Do(ctx, func() { err = s.readSliceIn(ctx, a, b, settles, depth) }); gateErr != nil {
			return gateErr
		}
		return err
	}
	return s.readSliceIn(ctx, a, b, settles, depth)
}

// readSliceIn is readSlice within the place of its top-level slice.
func (s *Stream) readSliceIn(ctx context.Context, a, b time.Time, settles bool, depth int) error {
	queried := s.clock.now()
	events, split, served, err := s.fetch(ctx, a, b, depth < maxSplitDepth)
	if err != nil {
		return err
	}
	if !served.IsZero() && served.Before(queried) {
		// The server's word beats an estimate that a host clock jump may spoil; an answer
		// dated ahead of the estimate (a garbage Date) must not settle the window early.
		queried = served
	}
	if split.IsZero() {
		s.adapt(len(events), b.Sub(a))
		return s.emit(ctx, events, slice{a, b, queried, settles})
	}
	s.shrink(events, a, b)
	if s.set.ReadAgainOnSplit {
		clear(events) // let the records go before the smaller slices read them again
		return s.readRange(ctx, a, b, settles, depth+1)
	}
	newer := newerThan(events, split)
	s.holding += len(newer)
	defer func() { s.holding -= len(newer) }()
	if err := s.readRange(ctx, a, split, settles, depth+1); err != nil {
		return err
	}
	return s.emit(ctx, newer, slice{split, b, queried, settles})
}

func (s *Stream) String() string { return fmt.Sprintf("stream %s", s.key) }

// Settings returns the stream's settings.
func (s *Stream) Settings() Settings { return s.set }
