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
// duplicate through, never drop an event. Each entry costs about 52 bytes (the map holds a
// key's first 64 bits, its other 32 and a 4-byte ring position in a 16-byte slot, and its
// table is a power of two; the ring of insertion order holds the 64 bits and an 8-byte
// time), so the default of 262,144 entries is at most 14 MiB (13.0 MiB measured by
// TestIndexMemoryBound); it holds 15 minutes at 290 events/s.
//
// A key is 96 bits of the ID (see key), so two IDs can share one; a new event whose key
// equals a held one would be taken for a duplicate and dropped. CloudTrail's eventIDs are
// random UUIDs and other IDs are hashed, so the chance per event is at most
// 262,144 / 2^96 = 2^-78 (3.3e-24): at 290 events/s for 100 years (9.2e11 events), about
// 3e-12 that one event is ever dropped. Two IDs whose keys share only the first 64 bits
// share a map entry (the later takes it, and the earlier may pass again as a duplicate): a
// chance of at most 2^-46 (1.4e-14) per event.
package dedupe // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"sync"
	"time"
)

// DefaultMaxEntries bounds the index when the caller gives no size.
const DefaultMaxEntries = 1 << 18

// maxMaxEntries keeps a ring position within the map's uint32 (and within an int on 32-bit
// platforms).
const maxMaxEntries = math.MaxInt32

// key is an event ID in 96 bits. A CloudTrail eventID is a UUID: its first 6 and last 6
// bytes are taken, and its middle 4 bytes (where the version and variant bits sit) are
// folded in by XOR, so a random (version 4) UUID keeps 96 random bits and a change to any
// byte of a UUID changes its key. Any other ID is hashed (SHA-256, first 12 bytes). See
// keyBytes and toKey, and the package doc for the chance that two IDs share a key.
type key struct {
	hi uint64 // the map's key, and what the ring keeps to find the map entry again
	lo uint32 // in the map's value, which has room for it beside the ring position
}

// slot is the map's value: where the ID's newest ring entry is, and the rest of its key.
// (A uint64 key and this 8-byte value fill a map slot of 16 bytes without padding.)
type slot struct {
	pos uint32
	lo  uint32
}

// Index is safe for concurrent use. The zero value is not usable; use New.
type Index struct {
	maxAge time.Duration
	now    func() time.Time

	mu sync.Mutex
	// seen maps a key's first 64 bits to its newest position in the ring (an ID recorded
	// twice has two ring entries; the map points at the later one) and its other 32 bits.
	// Two IDs whose keys share the first 64 bits share an entry: the one recorded later
	// takes it, and the other is forgotten early, which can only let a duplicate through.
	seen map[uint64]slot
	// The ring, in insertion order, as two slices of the same length (no padding between
	// them); head is the oldest of its n entries.
	his     []uint64 // key.hi
	times   []int64  // unix nanoseconds when recorded
	head, n int
	evicted uint64
}

// New returns an index keeping IDs for maxAge, at most maxEntries of them
// (DefaultMaxEntries when <= 0, and at most 2^31-1). now is the clock (time.Now when nil).
func New(maxAge time.Duration, maxEntries int, now func() time.Time) *Index {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	if int64(maxEntries) > maxMaxEntries {
		maxEntries = maxMaxEntries
	}
	if now == nil {
		now = time.Now
	}
	return &Index{
		maxAge: maxAge, now: now,
		seen:  make(map[uint64]slot),
		his:   make([]uint64, maxEntries),
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
	s, ok := x.seen[k.hi]
	return ok && s.lo == k.lo
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
		if s, ok := x.seen[k.hi]; ok && s.lo == k.lo && x.times[s.pos] == now {
			continue // a second ring entry of the same time would outlive nothing
		}
		if x.n == len(x.his) {
			x.evicted++
			x.pop()
		}
		p := x.head + x.n
		if p >= len(x.his) {
			p -= len(x.his)
		}
		x.his[p], x.times[p] = k.hi, now
		x.n++
		x.seen[k.hi] = slot{pos: uint32(p), lo: k.lo} //nolint:gosec // p < len(x.his) <= maxMaxEntries (2^31-1)
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

// pop removes the oldest ring entry, and its map entry unless the map points at a newer
// ring entry (the ID was recorded again since, or another ID took the entry).
func (x *Index) pop() {
	hi := x.his[x.head]
	if s, ok := x.seen[hi]; ok && int(s.pos) == x.head {
		delete(x.seen, hi)
	}
	x.head++
	if x.head == len(x.his) {
		x.head = 0
	}
	x.n--
}

func toKey(id string) key {
	b := keyBytes(id)
	lo := binary.BigEndian.Uint32(b[8:12])
	// The map's 64 bits depend on all 96: IDs that differ only in their last bytes (a counter
	// at the end of a UUID) do not share a map entry. (hi ^ f(lo), lo) is one-to-one, so two
	// IDs share a key exactly when they share their 96 bits.
	hi := binary.BigEndian.Uint64(b[0:8]) ^ uint64(lo)*mixLo
	return key{hi: hi, lo: lo}
}

// mixLo is odd, so uint64(lo)*mixLo differs for every lo.
const mixLo = 0x9e3779b97f4a7c15

// keyBytes is the ID's 96 bits (see key).
func keyBytes(id string) (b [12]byte) {
	if u, ok := parseUUID(id); ok {
		copy(b[0:6], u[0:6])
		copy(b[6:12], u[10:16])
		for i := range 4 {
			b[6+i] ^= u[6+i]
		}
		return b
	}
	sum := sha256.Sum256([]byte(id))
	// A hashed key could equal a UUID's only by chance, as two hashed keys could.
	copy(b[:], sum[:12])
	return b
}

// parseUUID decodes a UUID written as CloudTrail writes it: 36 characters, lower-case hex
// digits and dashes. "ABC..." and "abc..." stay apart (an ID that differs in case is another
// ID), so an upper-case UUID is not decoded, and is hashed as any other ID.
func parseUUID(id string) (u [16]byte, ok bool) {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return u, false
	}
	var bad byte
	for j, i := range uuidHexAt {
		hi, lo := lowerHex[id[i]], lowerHex[id[i+1]]
		bad |= hi | lo
		u[j] = hi<<4 | lo&0x0f
	}
	return u, bad&0xf0 == 0
}

// uuidHexAt is where each byte's two hex digits start in a UUID's text.
var uuidHexAt = [16]uint8{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// lowerHex is a lower-case hex digit's value, 0xff for any other character.
var lowerHex = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= '0' && c <= '9':
			t[c] = byte(c - '0')
		case c >= 'a' && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		default:
			t[c] = 0xff
		}
	}
	return t
}()
