// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor/internal/metadata"
)

// errShutdown refuses the records of a call after Shutdown began. It is not permanent:
// the caller keeps them, as for any refusal.
var errShutdown = errors.New("awsrequestid processor is shut down")

// Back-off between two deliveries of held records after the next consumer refused
// them with a retryable error: doubled per refusal in a row, reset by a success.
const (
	retryFirst = 200 * time.Millisecond
	retryMax   = 5 * time.Second
	// shutdownGrace is how long Shutdown retries refused records when its context has
	// no deadline, so a next consumer that refuses for ever cannot hang the collector.
	shutdownGrace = 30 * time.Second
)

type holderSettings struct {
	idx        *index
	key        string
	maxWait    time.Duration
	maxPending int
	clock      clock
	next       consumer.Logs
	tb         *metadata.TelemetryBuilder
	logger     *zap.Logger
}

// heldBatch is one ConsumeLogs call's batch, held whole until the spans of its records
// are indexed or max_wait passes.
type heldBatch struct {
	logs     plog.Logs
	records  int           // all its records: what counts against max_pending
	waiting  int           // records not stamped yet
	stamped  int           // records the processor stamped
	deadline time.Duration // the clock's reading when it goes on, stamped or not
	due      bool          // made due early to make room for a waiting caller
	tried    bool          // next has seen it: it is not changed any more
}

// holder owns the batches that a ConsumeLogs call accepted but could not stamp whole
// yet. The call that hands a batch over returns nil only once the holder owns all of
// it; from then on the holder delivers it exactly once: it retries a refusal until
// next accepts it, refuses it permanently (dropped, counted) or Shutdown's context
// ends (dropped, counted). Held records never exceed max_pending (except one larger
// batch alone): a caller that does not fit makes the oldest batches due at once and
// waits, honouring its context, until they have left.
type holder struct {
	holderSettings
	mu       sync.Mutex
	queue    []*heldBatch  // oldest first
	pending  int           // records in queue
	room     chan struct{} // closed and replaced whenever records leave
	closed   bool          // Shutdown began: nothing more is taken
	started  bool
	retryAt  time.Duration // after a refusal, nothing goes to next before this reading
	refusals int           // refusals in a row
	cutOff   int           // records dropped because Shutdown's context ended
	// shutdownGrace bounds Shutdown's retries when its context has no deadline (the
	// collector's own shutdown has none): set by shutdown before it closes flushAll.
	shutdownGrace time.Duration

	wake     chan struct{} // spans were indexed, or a batch arrived
	flushAll chan struct{} // closed by Shutdown: everything held goes on now
	done     chan struct{} // closed when run returns
	ctx      context.Context
	cancel   context.CancelFunc // cancels ctx, which next gets; Shutdown's deadline calls it
}

func newHolder(s holderSettings) *holder {
	ctx, cancel := context.WithCancel(context.Background())
	return &holder{holderSettings: s, room: make(chan struct{}), wake: s.idx.subscribe(),
		flushAll: make(chan struct{}), done: make(chan struct{}), ctx: ctx, cancel: cancel}
}

// hold takes b over. When b does not fit, it waits until there is room, ctx ends
// (ctx's error) or Shutdown begins (errShutdown); on an error nothing of b is held.
func (h *holder) hold(ctx context.Context, b *heldBatch) error {
	h.mu.Lock()
	for !h.closed && h.pending > 0 && h.pending+b.records > h.maxPending {
		h.makeRoom(b.records)
		room := h.room
		h.mu.Unlock()
		h.signal()
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for room among the log records held by max_wait: %w", ctx.Err())
		case <-room:
		}
		h.mu.Lock()
	}
	if h.closed {
		h.mu.Unlock()
		return errShutdown
	}
	b.deadline = h.clock.Now() + h.maxWait
	h.queue = append(h.queue, b)
	h.pending += b.records
	// Under mu, so that logs_held moves as pending does.
	h.tb.ProcessorAwsrequestidLogsHeld.Add(ctx, int64(b.records))
	h.mu.Unlock()
	h.signal()
	return nil
}

// makeRoom makes the oldest batches due until n more records would fit once they have
// left. The caller holds mu.
func (h *holder) makeRoom(n int) {
	need := h.pending + n - h.maxPending
	for _, b := range h.queue {
		if need <= 0 {
			return
		}
		b.due = true
		need -= b.records
	}
}

func (h *holder) signal() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *holder) start() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.started {
		return
	}
	h.started = true
	go h.run()
}

func (h *holder) run() {
	defer close(h.done)
	defer h.idx.unsubscribe(h.wake)
	t := h.clock.NewTimer()
	defer t.Stop()
	flushAll, all := h.flushAll, false
	giveUp := time.Duration(-1) // with all: the reading at which refused records are dropped
	for h.ctx.Err() == nil {
		wait, more := h.step(all)
		if all && !more {
			return
		}
		if giveUp >= 0 {
			left := giveUp - h.clock.Now()
			if left <= 0 {
				h.cancel()
				break
			}
			wait = min(wait, left)
		}
		if more && wait <= 0 {
			continue
		}
		if more {
			t.Reset(wait)
		}
		select {
		case <-flushAll:
			flushAll, all = nil, true
			if h.shutdownGrace > 0 {
				giveUp = h.clock.Now() + h.shutdownGrace
			}
		case <-h.wake:
		case <-t.C():
		case <-h.ctx.Done():
		}
	}
	h.dropAll()
}

// step stamps what it can and delivers the batches that are complete or due (all of
// them when all is set). It reports how long until it should step again, and whether
// anything is left.
func (h *holder) step(all bool) (time.Duration, bool) {
	now := h.clock.Now()
	h.mu.Lock()
	if len(h.queue) == 0 {
		h.mu.Unlock()
		return 0, false
	}
	var ready []*heldBatch
	wait := time.Duration(-1)
	h.idx.mu.Lock()
	h.idx.expire(now)
	for _, b := range h.queue {
		if !b.tried && b.waiting > 0 {
			left := h.stampBatch(b.logs)
			b.stamped += b.waiting - left
			b.waiting = left
		}
		if all || b.due || b.waiting == 0 || now >= b.deadline {
			ready = append(ready, b)
		} else if d := b.deadline - now; wait < 0 || d < wait {
			wait = d
		}
	}
	byTTL, byFull := h.idx.takeEvictions()
	h.idx.mu.Unlock()
	retryAt := h.retryAt
	h.mu.Unlock()
	recordEvictions(h.ctx, h.tb, byTTL, byFull)
	if len(ready) > 0 && now < retryAt {
		return retryAt - now, true // next refused lately: back off
	}
	for _, b := range ready {
		if h.ctx.Err() != nil {
			return 0, true
		}
		if backoff, refused := h.deliver(b); refused {
			return backoff, true
		}
	}
	h.mu.Lock()
	left := len(h.queue) > 0
	h.mu.Unlock()
	if wait < 0 {
		wait = 0 // only batches that arrived meanwhile: step again
	}
	return wait, left
}

// stampBatch stamps the records of ld that the index knows and returns how many still
// wait. The caller holds idx.mu.
func (h *holder) stampBatch(ld plog.Logs) int {
	waiting := 0
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				if stampRecord(h.idx, lr, h.key) == unknown {
					waiting++
				}
			}
		}
	}
	return waiting
}

// deliver passes b to next. On a retryable refusal b stays, and deliver returns the
// back-off before the next try.
func (h *holder) deliver(b *heldBatch) (time.Duration, bool) {
	err := h.next.ConsumeLogs(h.ctx, b.logs)
	h.mu.Lock()
	b.tried = true
	switch {
	case err == nil:
		h.refusals, h.retryAt = 0, 0
		h.remove(b)
		h.mu.Unlock()
		if b.stamped > 0 {
			h.tb.ProcessorAwsrequestidLogsMatched.Add(h.ctx, int64(b.stamped))
		}
		if b.waiting > 0 {
			h.tb.ProcessorAwsrequestidLogsUnmatched.Add(h.ctx, int64(b.waiting))
		}
		return 0, false
	case consumererror.IsPermanent(err):
		h.remove(b)
		h.mu.Unlock()
		h.dropped(b.records, "Held log records were refused by the next consumer with a permanent error and are dropped", err)
		return 0, false
	case h.ctx.Err() != nil:
		h.mu.Unlock()
		return 0, true // Shutdown's deadline passed: run drops what is left
	default:
		h.refusals++
		backoff := min(retryMax, retryFirst<<min(h.refusals-1, 16))
		h.retryAt = h.clock.Now() + backoff
		h.mu.Unlock()
		h.logger.Debug("Held log records were refused by the next consumer; retrying",
			zap.Int("records", b.records), zap.Duration("backoff", backoff), zap.Error(err))
		return backoff, true
	}
}

// remove takes b out of the queue and wakes the callers waiting for room. The caller
// holds mu.
func (h *holder) remove(b *heldBatch) {
	if i := slices.Index(h.queue, b); i >= 0 {
		h.queue = slices.Delete(h.queue, i, i+1)
		h.pending -= b.records
		h.tb.ProcessorAwsrequestidLogsHeld.Add(context.WithoutCancel(h.ctx), -int64(b.records))
	}
	h.wakeWaiters()
}

// wakeWaiters wakes every caller waiting for room. The caller holds mu.
func (h *holder) wakeWaiters() {
	close(h.room)
	h.room = make(chan struct{})
}

// dropAll drops what is still held once Shutdown's context has ended.
func (h *holder) dropAll() {
	h.mu.Lock()
	n := h.pending
	h.cutOff += n
	for _, b := range slices.Clone(h.queue) {
		h.remove(b)
	}
	h.mu.Unlock()
	if n > 0 {
		h.dropped(n, "Held log records are dropped: the shutdown deadline passed before the next consumer accepted them",
			context.Cause(h.ctx))
	}
}

func (h *holder) dropped(n int, msg string, err error) {
	h.tb.ProcessorAwsrequestidLogsDropped.Add(context.WithoutCancel(h.ctx), int64(n))
	h.logger.Warn(msg, zap.Int("records", n), zap.Error(err))
}

// shutdown refuses new records and the callers waiting for room, and passes everything
// held on, retrying refusals, until all is delivered or ctx ends; then what is left is
// dropped (counted) and next's context is cancelled. It returns ctx's error if ctx
// ended first.
func (h *holder) shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	h.wakeWaiters()
	run := !h.started // records held before Start still go on
	h.started = true
	if _, ok := ctx.Deadline(); !ok {
		h.shutdownGrace = shutdownGrace
	}
	h.mu.Unlock()
	if run {
		go h.run()
	}
	close(h.flushAll)
	select {
	case <-h.done:
	case <-ctx.Done():
		h.cancel() // next's context: run drops and counts what is left
		select {
		case <-h.done: // it had finished
		default:
			return fmt.Errorf("held log records were not delivered before the shutdown deadline: %w", ctx.Err())
		}
	}
	h.cancel()
	h.mu.Lock()
	cut := h.cutOff
	h.mu.Unlock()
	if cut > 0 {
		return fmt.Errorf("%d held log records were not delivered before the shutdown deadline: %w",
			cut, cmp.Or(ctx.Err(), context.DeadlineExceeded))
	}
	return nil
}
