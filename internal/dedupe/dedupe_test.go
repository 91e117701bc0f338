// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package dedupe

import (
	"fmt"
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
	k := toKey(u)
	assert.Equal(t, byte(0x30), k[0])
	assert.Equal(t, byte(0x13), k[15])
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
	assert.Equal(t, DefaultMaxEntries, len(y.ring))
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
// replaced) holds at most 20 MiB of heap. (Every key is 16 bytes, a UUID's or a hash's.)
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
	assert.LessOrEqual(t, held, int64(20<<20))
	runtime.KeepAlive(x)
}
