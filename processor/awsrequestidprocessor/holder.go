package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor/internal/metadata"
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

// heldBatch is log records waiting for the spans of their request IDs.
type heldBatch struct {
	logs     plog.Logs
	deadline time.Time
	waiting  int // records not stamped yet
}

// holder keeps the log records whose span has not been indexed yet, for up to max_wait.
// Its goroutine wakes when spans are indexed and when the oldest batch is due: a batch
// whose records are all stamped goes on at once, one that is due goes on with the
// records it could stamp. Past max_pending held records, the oldest batches are due.
// Shutdown passes every held record on.
type holder struct {
	holderSettings
	mu      sync.Mutex
	queue   []*heldBatch
	pending int
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	started bool
}

func newHolder(s holderSettings) *holder {
	return &holder{holderSettings: s, wake: s.idx.subscribe(), stop: make(chan struct{}), done: make(chan struct{})}
}

// add holds ld, whose n records wait for their spans.
func (h *holder) add(ld plog.Logs, n int) {
	h.mu.Lock()
	h.queue = append(h.queue, &heldBatch{logs: ld, deadline: h.clock.Now().Add(h.maxWait), waiting: n})
	h.pending += n
	for _, b := range h.queue {
		if h.pending <= h.maxPending {
			break
		}
		if !b.deadline.IsZero() {
			h.pending -= b.waiting
			b.deadline = time.Time{} // due now
		}
	}
	h.mu.Unlock()
	h.signal()
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
	t := h.clock.NewTimer()
	defer t.Stop()
	for {
		if next, ok := h.flush(context.Background(), false); ok {
			t.Reset(next)
		}
		select {
		case <-h.stop:
			return
		case <-h.wake:
		case <-t.C():
		}
	}
}

// flush stamps what it can and passes on the batches that are complete or due, or all
// of them. It returns how long until the oldest remaining batch is due.
func (h *holder) flush(ctx context.Context, all bool) (time.Duration, bool) {
	now := h.clock.Now()
	h.mu.Lock()
	if len(h.queue) == 0 {
		h.mu.Unlock()
		return 0, false
	}
	var ready []*heldBatch
	keep := h.queue[:0]
	matched, unmatched := 0, 0
	h.idx.mu.Lock()
	h.idx.expire(now)
	h.pending = 0
	for _, b := range h.queue {
		before := b.waiting
		b.waiting = h.stampBatch(b.logs)
		matched += before - b.waiting
		if all || b.waiting == 0 || !now.Before(b.deadline) {
			ready = append(ready, b)
			unmatched += b.waiting
			continue
		}
		keep = append(keep, b)
		h.pending += b.waiting
	}
	byTTL, byFull := h.idx.takeEvictions()
	h.idx.mu.Unlock()
	clear(h.queue[len(keep):])
	h.queue = keep
	next, ok := time.Duration(0), len(keep) > 0
	if ok {
		next = keep[0].deadline.Sub(now)
	}
	h.mu.Unlock()
	recordEvictions(ctx, h.tb, byTTL, byFull)
	h.pass(ctx, ready, matched, unmatched)
	return next, ok
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

func (h *holder) pass(ctx context.Context, ready []*heldBatch, matched, unmatched int) {
	if matched > 0 {
		h.tb.ProcessorAwsrequestidLogsMatched.Add(ctx, int64(matched))
	}
	if unmatched > 0 {
		h.tb.ProcessorAwsrequestidLogsUnmatched.Add(ctx, int64(unmatched))
	}
	for _, b := range ready {
		if err := h.next.ConsumeLogs(ctx, b.logs); err != nil {
			h.logger.Warn("Held log records were refused by the next consumer and are dropped",
				zap.Int("records", b.logs.LogRecordCount()), zap.Error(err))
		}
	}
}

// shutdown stops the goroutine and passes every held record on.
func (h *holder) shutdown(ctx context.Context) {
	h.mu.Lock()
	started := h.started
	h.started = true // a later start does nothing
	h.mu.Unlock()
	close(h.stop)
	if started {
		<-h.done
	}
	h.idx.unsubscribe(h.wake)
	h.flush(ctx, true)
}
