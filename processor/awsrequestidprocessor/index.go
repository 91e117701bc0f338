// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"hash/maphash"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// ids is what the index keeps per request ID: 25 bytes.
type ids struct {
	trace  pcommon.TraceID
	span   pcommon.SpanID
	client bool // the span is a CLIENT span
}

// slot is one entry of the index's insertion order.
type slot struct {
	key uint64
	at  time.Duration // the clock's monotonic reading when the entry was added
}

// index maps request IDs to the trace and span IDs of the span that made the call. It
// keeps entries in insertion order, so the oldest is always the first to go: entries
// older than ttl are dropped lazily (on every use), and adding to a full index drops the
// oldest. Its methods must be called with mu held.
//
// A request ID is kept as its 64-bit hash (seeded per process), not as a string: an
// entry costs no allocation and about half the memory. Two request IDs with the same
// hash would stamp a log with the wrong span; with the index full at 100,000 entries,
// the chance is 100,000 / 2^64, about 5e-15, per log record looked up, and as much per
// span inserted (the newer span then takes the older entry's place): about 1e-5 a year
// at the defaults, see the README.
type index struct {
	mu         sync.Mutex
	seed       maphash.Seed
	ttl        time.Duration
	maxEntries int
	entries    map[uint64]ids
	order      ring
	// evictedTTL and evictedFull count evictions since the last takeEvictions.
	evictedTTL, evictedFull int64

	subsMu sync.Mutex
	subs   map[chan struct{}]struct{}
}

func newIndex(ttl time.Duration, maxEntries int) *index {
	return &index{seed: maphash.MakeSeed(), ttl: ttl, maxEntries: maxEntries, entries: make(map[uint64]ids),
		subs: make(map[chan struct{}]struct{})}
}

// expire drops the entries added at or before now - ttl (monotonic readings).
func (x *index) expire(now time.Duration) {
	limit := now - x.ttl
	for x.order.len() > 0 && x.order.front().at <= limit {
		delete(x.entries, x.order.pop().key)
		x.evictedTTL++
	}
}

// put indexes key. A CLIENT span's entry is replaced only by another CLIENT span's, so
// a server span that repeats the request ID never takes the caller's place. An entry
// that is replaced keeps its place in the insertion order.
func (x *index) put(now time.Duration, requestID string, v ids) {
	key := maphash.String(x.seed, requestID)
	if old, ok := x.entries[key]; ok {
		if !old.client || v.client {
			x.entries[key] = v
		}
		return
	}
	for len(x.entries) >= x.maxEntries && x.order.len() > 0 {
		delete(x.entries, x.order.pop().key)
		x.evictedFull++
	}
	x.entries[key] = v
	x.order.push(slot{key: key, at: now})
}

func (x *index) get(requestID string) (ids, bool) {
	v, ok := x.entries[maphash.String(x.seed, requestID)]
	return v, ok
}

func (x *index) len() int { return len(x.entries) }

// takeEvictions returns and resets the eviction counts.
func (x *index) takeEvictions() (ttl, full int64) {
	ttl, full = x.evictedTTL, x.evictedFull
	x.evictedTTL, x.evictedFull = 0, 0
	return ttl, full
}

// subscribe returns a channel that receives a signal whenever spans were indexed.
func (x *index) subscribe() chan struct{} {
	ch := make(chan struct{}, 1)
	x.subsMu.Lock()
	x.subs[ch] = struct{}{}
	x.subsMu.Unlock()
	return ch
}

func (x *index) unsubscribe(ch chan struct{}) {
	x.subsMu.Lock()
	delete(x.subs, ch)
	x.subsMu.Unlock()
}

// notify signals every subscriber without blocking; a signal already pending is enough.
func (x *index) notify() {
	x.subsMu.Lock()
	defer x.subsMu.Unlock()
	for ch := range x.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// ring is a FIFO queue of slots in a circular buffer that grows as needed.
type ring struct {
	buf  []slot
	head int
	n    int
}

func (r *ring) len() int     { return r.n }
func (r *ring) front() *slot { return &r.buf[r.head] }

func (r *ring) push(s slot) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)%len(r.buf)] = s
	r.n++
}

func (r *ring) pop() slot {
	s := r.buf[r.head]
	r.buf[r.head] = slot{}
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return s
}

func (r *ring) grow() {
	buf := make([]slot, max(16, 2*len(r.buf)))
	for i := 0; i < r.n; i++ {
		buf[i] = r.buf[(r.head+i)%len(r.buf)]
	}
	r.buf, r.head = buf, 0
}
