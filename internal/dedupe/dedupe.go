// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package dedupe is the time-bounded, size-bounded index of CloudTrail event IDs that one
// receiver has emitted, shared by its inputs (LookupEvents and SQS): the same event reaches
// both, and a partly delivered trail file comes back, so an input asks the index before
// emitting and records an event only once the pipeline accepted it.
//
// An ID is kept for MaxAge after it was recorded (the receiver's max_event_delay: the
// longest an event takes to reach the slower input), and at most MaxEntries IDs are kept:
// past that the oldest are forgotten first (counted by Evicted), which can only let a
// duplicate through, never drop an event. Each entry costs about 80 bytes (a 16-byte key in
// a map, whose table is a power of two, and in a ring of insertion order), so the default
// of 262,144 entries is at most 20 MiB (19.3 MiB measured by TestIndexMemoryBound); it
// holds 15 minutes at 290 events/s.
package dedupe // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// DefaultMaxEntries bounds the index when the caller gives no size.
const DefaultMaxEntries = 1 << 18

// key is an event ID in 16 bytes: a CloudTrail eventID is a UUID, whose 16 bytes are taken
// as they are; any other ID is hashed (SHA-256, first 16 bytes).
type key [16]byte

type entry struct {
	k  key
	at int64 // unix nanoseconds when recorded
}

// Index is safe for concurrent use. The zero value is not usable; use New.
type Index struct {
	maxAge time.Duration
	now    func() time.Time

	mu      sync.Mutex
	seen    map[key]int64 // key -> time recorded (the newest, when recorded twice)
	ring    []entry       // insertion order; head is the oldest
	head, n int
	evicted uint64
}

// New returns an index keeping IDs for maxAge, at most maxEntries of them
// (DefaultMaxEntries when <= 0). now is the clock (time.Now when nil).
func New(maxAge time.Duration, maxEntries int, now func() time.Time) *Index {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	if now == nil {
		now = time.Now
	}
	return &Index{maxAge: maxAge, now: now, seen: make(map[key]int64), ring: make([]entry, maxEntries)}
}

// Contains reports whether id was recorded less than MaxAge ago.
func (x *Index) Contains(id string) bool {
	if x == nil || id == "" {
		return false
	}
	k := toKey(id)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.expire(x.now().UnixNano())
	_, ok := x.seen[k]
	return ok
}

// Add records ids as emitted now. Empty IDs are ignored.
func (x *Index) Add(ids ...string) {
	if x == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	now := x.now().UnixNano()
	x.expire(now)
	for _, id := range ids {
		if id == "" {
			continue
		}
		k := toKey(id)
		if at, ok := x.seen[k]; ok && at == now {
			continue // a second ring entry of the same time would outlive nothing
		}
		if x.n == len(x.ring) {
			x.evicted++
			x.pop()
		}
		x.ring[(x.head+x.n)%len(x.ring)] = entry{k: k, at: now}
		x.n++
		x.seen[k] = now
	}
}

// Len is the number of IDs held (an ID recorded twice counts once).
func (x *Index) Len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.expire(x.now().UnixNano())
	return len(x.seen)
}

// Evicted is how many entries were forgotten before their time because the index was full.
func (x *Index) Evicted() uint64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.evicted
}

// expire drops the entries recorded maxAge or more ago.
func (x *Index) expire(now int64) {
	limit := now - int64(x.maxAge)
	for x.n > 0 && x.ring[x.head].at <= limit {
		x.pop()
	}
}

// pop removes the oldest ring entry, and its map entry unless the ID was recorded again
// since (the map then holds the newer time).
func (x *Index) pop() {
	e := x.ring[x.head]
	if at, ok := x.seen[e.k]; ok && at == e.at {
		delete(x.seen, e.k)
	}
	x.ring[x.head] = entry{}
	x.head = (x.head + 1) % len(x.ring)
	x.n--
}

func toKey(id string) key {
	var k key
	if len(id) == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-' {
		hexID := id[0:8] + id[9:13] + id[14:18] + id[19:23] + id[24:36]
		if _, err := hex.Decode(k[:], []byte(hexID)); err == nil && isLowerOrDigits(hexID) {
			return k
		}
	}
	sum := sha256.Sum256([]byte(id))
	copy(k[:], sum[:16])
	// A hashed key could equal a UUID's bytes only by a SHA-256 collision on 128 bits.
	return k
}

// isLowerOrDigits keeps "ABC..." and "abc..." UUIDs apart: CloudTrail writes them in lower
// case, and an ID that differs in case is another ID.
func isLowerOrDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'F' {
			return false
		}
	}
	return true
}
