// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package dedupe

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)} }

func TestIndexExpiresAfterMaxAge(t *testing.T) {
	c := newClock()
	x := New(15*time.Minute, 100, c.now)
	id := "3038ebd2-c98a-4c65-9b6e-e22506292313"
	assert.False(t, x.Contains(id))
	x.Add(id)
	assert.True(t, x.Contains(id))
	c.add(15*time.Minute - time.Nanosecond)
	assert.True(t, x.Contains(id), "kept until max age")
	c.add(time.Nanosecond)
	assert.False(t, x.Contains(id), "forgotten at max age")
	assert.Equal(t, 0, x.Len())
}

func TestIndexReAddExtendsLife(t *testing.T) {
	c := newClock()
	x := New(time.Minute, 100, c.now)
	x.Add("a")
	c.add(50 * time.Second)
	x.Add("a")
	c.add(20 * time.Second) // the first entry expired, the second did not
	assert.True(t, x.Contains("a"))
	assert.Equal(t, 1, x.Len())
	c.add(40 * time.Second)
	assert.False(t, x.Contains("a"))
}

func TestIndexBoundedEvictsOldest(t *testing.T) {
	c := newClock()
	x := New(time.Hour, 4, c.now)
	for i := range 6 {
		x.Add(fmt.Sprintf("id-%d", i))
		c.add(time.Second)
	}
	assert.Equal(t, 4, x.Len())
	assert.Equal(t, uint64(2), x.Evicted())
	assert.False(t, x.Contains("id-0"))
	assert.False(t, x.Contains("id-1"))
	for i := 2; i < 6; i++ {
		assert.True(t, x.Contains(fmt.Sprintf("id-%d", i)), i)
	}
}

func TestIndexSameTimeAddedTwiceKeptOnce(t *testing.T) {
	c := newClock()
	x := New(time.Hour, 2, c.now)
	x.Add("a", "a", "b")
	assert.Equal(t, uint64(0), x.Evicted())
	assert.True(t, x.Contains("a"))
	assert.True(t, x.Contains("b"))
}

func TestKeyUUIDAndOther(t *testing.T) {
	u := "3038ebd2-c98a-4c65-9b6e-e22506292313"
	b := keyBytes(u)
	assert.Equal(t, byte(0x30), b[0])
	assert.Equal(t, byte(0x13), b[11])
	assert.Equal(t, byte(0x4c^0xe2), b[6], "the middle bytes are folded into the last ones")
	k := toKey(u)
	assert.NotEqual(t, k, toKey("3038EBD2-C98A-4C65-9B6E-E22506292313"), "IDs differing in case stay apart")
	assert.NotEqual(t, toKey("x"), toKey("y"))
	assert.Equal(t, toKey("not-a-uuid"), toKey("not-a-uuid"))
	// a 36-character ID with dashes in UUID places but no hex digits is hashed, not decoded
	assert.NotPanics(t, func() { toKey("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz") })
}

func TestIndexNilAndEmpty(t *testing.T) {
	var x *Index
	assert.False(t, x.Contains("a"))
	x.Add("a")
	y := New(time.Minute, 0, nil)
	y.Add("")
	assert.False(t, y.Contains(""))
	assert.Equal(t, DefaultMaxEntries, len(y.his))
	assert.Equal(t, DefaultMaxEntries, len(y.times))
}

func TestIndexConcurrent(t *testing.T) {
	x := New(time.Hour, 4000, nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				id := fmt.Sprintf("%d-%d", g, i)
				x.Add(id)
				assert.True(t, x.Contains(id))
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 4000, x.Len())
	assert.Equal(t, uint64(0), x.Evicted())
	x.Add("one-more")
	assert.Equal(t, uint64(1), x.Evicted())
	require.Equal(t, 4000, x.Len())
}

// BenchmarkIndexAddContains: one Contains and one Add per event, the inputs' pattern.
func BenchmarkIndexAddContains(b *testing.B) {
	x := New(time.Hour, DefaultMaxEntries, nil)
	ids := make([]string, 4096)
	for i := range ids {
		ids[i] = fmt.Sprintf("%08x-c98a-4c65-9b6e-e22506292313", i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		id := ids[i%len(ids)]
		if !x.Contains(id) {
			x.Add(id)
		}
	}
}

// The documented bound: a full index (filled past its size, so entries were evicted and
// replaced) holds at most 14 MiB of heap (13.0 MiB measured in Go 1.26). (Every key is
// 96 bits, a UUID's or a hash's.)
func TestIndexMemoryBound(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector changes what memory holds, and is slow at filling the index")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	x := New(time.Hour, 0, nil)
	for i := range DefaultMaxEntries + DefaultMaxEntries/4 {
		x.Add(fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	require.Equal(t, DefaultMaxEntries, x.Len())
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("a full index holds %.1f MiB", float64(held)/(1<<20))
	assert.LessOrEqual(t, held, int64(14<<20))
	runtime.KeepAlive(x)
}

// Every byte of a UUID counts: two UUIDs that differ in any one byte (the ones folded into
// the key included) have different keys, and a UUID's key is not its upper-case twin's.
func TestKeyUUIDEveryByteCounts(t *testing.T) {
	base := "3038ebd2-c98a-4c65-9b6e-e22506292313"
	k := toKey(base)
	hexAt := []int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}
	for _, i := range hexAt {
		b := []byte(base)
		b[i] = map[bool]byte{true: '0', false: 'f'}[b[i] == 'f']
		other := string(b)
		_, ok := parseUUID(other)
		require.True(t, ok, other)
		assert.NotEqual(t, k, toKey(other), other)
	}
	for _, bad := range []string{
		"3038ebd2-c98a-4c65-9b6e-e2250629231g", // not hex
		"3038ebd2-c98a-4c65-9b6e-e2250629231F", // upper case
		"3038ebd2xc98a-4c65-9b6e-e22506292313", // no dash
		"3038ebd2-c98a-4c65-9b6e-e2250629231",  // short
	} {
		_, ok := parseUUID(bad)
		assert.False(t, ok, bad)
	}
}

// idForKey is a UUID whose key is k.
func idForKey(k key) string {
	var b [12]byte
	binary.BigEndian.PutUint64(b[0:8], k.hi^uint64(k.lo)*mixLo)
	binary.BigEndian.PutUint32(b[8:12], k.lo)
	// bytes 10..13 of the UUID are 0, so bytes 6..9 are the key bytes as they are
	return fmt.Sprintf("%x-%x-%x-%x-00000000%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:12])
}

// Two IDs whose keys share their first 64 bits (rare: 2^-64 for two random IDs) share a
// map entry: the later one takes it, the earlier one is forgotten early (a duplicate may
// pass, never a drop), a third ID with those 64 bits is not taken as seen, and the earlier
// one's ring entry, when it leaves, does not take the later one with it.
func TestIndexKeysSharingFirst64Bits(t *testing.T) {
	c := newClock()
	x := New(time.Minute, 10, c.now)
	ka := toKey("3038ebd2-c98a-4c65-9b6e-e22506292313")
	a, b, never := idForKey(ka), idForKey(key{hi: ka.hi, lo: ka.lo + 1}), idForKey(key{hi: ka.hi, lo: ka.lo + 2})
	require.Equal(t, ka, toKey(a))
	require.Equal(t, key{hi: ka.hi, lo: ka.lo + 1}, toKey(b))
	require.Equal(t, key{hi: ka.hi, lo: ka.lo + 2}, toKey(never))

	x.Add(a)
	assert.True(t, x.Contains(a))
	assert.False(t, x.Contains(b), "an ID sharing 64 bits is not taken as seen")
	c.add(10 * time.Second)
	x.Add(b)
	assert.True(t, x.Contains(b))
	assert.False(t, x.Contains(a), "forgotten early")
	assert.False(t, x.Contains(never))
	assert.Equal(t, 1, x.Len())
	c.add(50 * time.Second) // a's ring entry expires, b's does not
	assert.True(t, x.Contains(b))
	assert.Equal(t, 1, x.Len())
	c.add(10 * time.Second)
	assert.False(t, x.Contains(b))
	assert.Equal(t, 0, x.Len())

	// at the same instant, recording b after a is a new ring entry, not a repeat
	x.Add(a, b)
	assert.True(t, x.Contains(b))
	assert.Equal(t, uint64(0), x.Evicted())
}

// model is the index's semantics written plainly: string IDs, every recording kept in order.
type model struct {
	maxAge  time.Duration
	max     int
	order   []modelEntry
	latest  map[string]int64
	evicted uint64
}

type modelEntry struct {
	id string
	at int64
}

func (m *model) expire(now int64) {
	for len(m.order) > 0 && m.order[0].at <= now-int64(m.maxAge) {
		m.popOldest()
	}
}

func (m *model) popOldest() {
	e := m.order[0]
	m.order = m.order[1:]
	if m.latest[e.id] == e.at {
		delete(m.latest, e.id)
	}
}

func (m *model) add(now int64, id string) {
	m.expire(now)
	if at, ok := m.latest[id]; ok && at == now {
		return
	}
	if len(m.order) == m.max {
		m.evicted++
		m.popOldest()
	}
	m.order = append(m.order, modelEntry{id, now})
	m.latest[id] = now
}

// The compact index answers as the plain model does through random adds, re-adds, clock
// steps (none, small, past max age), expiry and eviction, with UUID and other IDs.
func TestIndexMatchesModel(t *testing.T) {
	for seed := range int64(20) {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		c := newClock()
		const maxAge = 10 * time.Second
		size := 1 + r.IntN(16)
		x := New(maxAge, size, c.now)
		m := &model{maxAge: maxAge, max: size, latest: map[string]int64{}}
		ids := make([]string, 24)
		for i := range ids {
			switch i % 3 {
			case 0:
				ids[i] = fmt.Sprintf("%08x-c98a-4c65-9b6e-e22506292313", r.Uint32())
			case 1:
				ids[i] = fmt.Sprintf("3038ebd2-c98a-4c65-9b6e-%012x", r.IntN(64))
			default:
				ids[i] = fmt.Sprintf("id-%d", i)
			}
		}
		for step := range 3000 {
			switch r.IntN(10) {
			case 0:
				c.add(time.Duration(r.Int64N(int64(maxAge))))
			case 1, 2:
				c.add(time.Duration(r.IntN(3)) * time.Second)
			case 3:
				a, b := ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]
				x.Add(a, b)
				now := c.now().UnixNano()
				m.add(now, a)
				m.add(now, b)
			default:
				id := ids[r.IntN(len(ids))]
				x.Add(id)
				m.add(c.now().UnixNano(), id)
			}
			now := c.now().UnixNano()
			m.expire(now)
			for _, id := range ids {
				_, want := m.latest[id]
				require.Equal(t, want, x.Contains(id), "seed %d step %d id %s", seed, step, id)
			}
			require.Equal(t, len(m.latest), x.Len(), "seed %d step %d", seed, step)
			require.Equal(t, m.evicted, x.Evicted(), "seed %d step %d", seed, step)
		}
	}
}

// IDs that differ only in their last bytes (a counter at the end of a UUID, as in test
// data and time-ordered generators) are all held: they do not crowd each other out of the
// map by sharing its 64-bit key.
func TestIndexIDsDifferingOnlyAtTheEnd(t *testing.T) {
	x := New(time.Hour, 0, nil)
	const n = 100_000
	for i := range n {
		x.Add(fmt.Sprintf("%08x-0000-4000-8000-%012x", 7, i))
	}
	assert.Equal(t, n, x.Len())
	for i := range n {
		if id := fmt.Sprintf("%08x-0000-4000-8000-%012x", 7, i); !x.Contains(id) {
			t.Fatalf("%s was recorded and is not held", id)
		}
	}
	for i := range 1000 {
		x.Add(fmt.Sprintf("not-a-uuid-%d", i))
	}
	assert.Equal(t, n+1000, x.Len())
}
