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
// duplicate through, never drop an event. Each entry costs about 56 bytes (a 12-byte key
// and a 4-byte ring position in a map, whose table is a power of two, and a 12-byte key and
// an 8-byte time in a ring of insertion order), so the default of 262,144 entries is at most
// 15 MiB (14.0 MiB measured by TestIndexMemoryBound); it holds 15 minutes at 290 events/s.
//
// A key is 96 bits of the ID (see key), so two IDs can share one; a new event whose key
// equals a held one would be taken for a duplicate and dropped. CloudTrail's eventIDs are
// random UUIDs and other IDs are hashed, so the chance per event is at most
// 262,144 / 2^96 = 2^-78 (3.3e-24): at 290 events/s for 100 years (9.2e11 events), about
// 3e-12 that one event is ever dropped.
package dedupe // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"

import (
	"crypto/sha256"
	"math"
	"sync"
	"time"
)

// DefaultMaxEntries bounds the index when the caller gives no size.
const DefaultMaxEntries = 1 << 18

// maxMaxEntries keeps a ring position within the map's uint32 values.
const maxMaxEntries = math.MaxUint32

// key is an event ID in 12 bytes (96 bits). A CloudTrail eventID is a UUID: its first 6 and
// last 6 bytes are taken, and its middle 4 bytes (where the version and variant bits sit)
// are folded in by XOR, so a random (version 4) UUID keeps 96 random bits and a time-based
// one keeps every field that tells two IDs apart. Any other ID is hashed (SHA-256, first 12
// bytes). See the package doc for the chance that two IDs share a key.
type key [12]byte

// Index is safe for concurrent use. The zero value is not usable; use New.
type Index struct {
	maxAge time.Duration
	now    func() time.Time

	mu sync.Mutex
	// seen maps a key to its newest position in the ring (an ID recorded twice has two ring
	// entries; the map points at the later one).
	seen map[key]uint32
	// The ring, in insertion order, as two slices of the same length (no padding between a
	// 12-byte key and an 8-byte time); head is the oldest of its n entries.
	keys    []key
	times   []int64 // unix nanoseconds when recorded
	head, n int
	evicted uint64
}

// New returns an index keeping IDs for maxAge, at most maxEntries of them
// (DefaultMaxEntries when <= 0, and at most 2^32-1). now is the clock (time.Now when nil).
func New(maxAge time.Duration, maxEntries int, now func() time.Time) *Index {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	if uint64(maxEntries) > maxMaxEntries {
		maxEntries = maxMaxEntries
	}
	if now == nil {
		now = time.Now
	}
	return &Index{
		maxAge: maxAge, now: now,
		seen:  make(map[key]uint32),
		keys:  make([]key, maxEntries),
		times: make([]int64, maxEntries),
	}
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
		if p, ok := x.seen[k]; ok && x.times[p] == now {
			continue // a second ring entry of the same time would outlive nothing
		}
		if x.n == len(x.keys) {
			x.evicted++
			x.pop()
		}
		p := x.head + x.n
		if p >= len(x.keys) {
			p -= len(x.keys)
		}
		x.keys[p], x.times[p] = k, now
		x.n++
		x.seen[k] = uint32(p)
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
	for x.n > 0 && x.times[x.head] <= limit {
		x.pop()
	}
}

// pop removes the oldest ring entry, and its map entry unless the ID was recorded again
// since (the map then points at the newer ring position).
func (x *Index) pop() {
	k := x.keys[x.head]
	if p, ok := x.seen[k]; ok && int(p) == x.head {
		delete(x.seen, k)
	}
	x.head++
	if x.head == len(x.keys) {
		x.head = 0
	}
	x.n--
}

func toKey(id string) key {
	if u, ok := parseUUID(id); ok {
		var k key
		copy(k[0:6], u[0:6])
		copy(k[6:12], u[10:16])
		for i := range 4 {
			k[6+i] ^= u[6+i]
		}
		return k
	}
	sum := sha256.Sum256([]byte(id))
	// A hashed key could equal a UUID's only by chance, as two hashed keys could (96 bits).
	return key(sum[:12])
}

// parseUUID decodes a UUID written as CloudTrail writes it: 36 characters, lower-case hex
// digits and dashes. "ABC..." and "abc..." stay apart (an ID that differs in case is another
// ID), so an upper-case UUID is not decoded, and is hashed as any other ID.
func parseUUID(id string) (u [16]byte, ok bool) {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
		}
		hi, ok1 := lowerHex(id[i])
		lo, ok2 := lowerHex(id[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[j] = hi<<4 | lo
		j++
	}
	return u, true
}

func lowerHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
