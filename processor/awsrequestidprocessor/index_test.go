// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func entry(b byte, client bool) ids { return ids{trace: traceID(b), span: spanID(b), client: client} }

func TestIndexGetPut(t *testing.T) {
	x := newIndex(time.Minute, 10)
	x.put(0, "req-1", entry(1, true))
	got, ok := x.get("req-1")
	require.True(t, ok)
	assert.Equal(t, entry(1, true), got)
	_, ok = x.get("req-2")
	assert.False(t, ok)
}

func TestIndexExpiresAfterTTL(t *testing.T) {
	x := newIndex(time.Minute, 10)
	x.put(0, "old", entry(1, true))
	x.put((30 * time.Second), "new", entry(2, true))
	x.expire((59 * time.Second))
	assert.Equal(t, 2, x.len())
	x.expire((time.Minute)) // exactly ttl old: gone
	_, ok := x.get("old")
	assert.False(t, ok)
	_, ok = x.get("new")
	assert.True(t, ok)
	byTTL, byFull := x.takeEvictions()
	assert.Equal(t, int64(1), byTTL)
	assert.Zero(t, byFull)
	x.expire((2 * time.Minute))
	assert.Zero(t, x.len())
	byTTL, _ = x.takeEvictions()
	assert.Equal(t, int64(1), byTTL, "takeEvictions resets the counts")
}

func TestIndexEvictsOldestWhenFull(t *testing.T) {
	x := newIndex(time.Hour, 3)
	for i := range 5 {
		x.put((time.Duration(i) * time.Second), fmt.Sprintf("req-%d", i), entry(byte(i), true))
	}
	assert.Equal(t, 3, x.len())
	for i, want := range []bool{false, false, true, true, true} {
		_, ok := x.get(fmt.Sprintf("req-%d", i))
		assert.Equal(t, want, ok, "req-%d", i)
	}
	byTTL, byFull := x.takeEvictions()
	assert.Zero(t, byTTL)
	assert.Equal(t, int64(2), byFull)
}

func TestIndexClientSpanWins(t *testing.T) {
	x := newIndex(time.Hour, 10)
	x.put(0, "req", entry(1, true))
	x.put(0, "req", entry(2, false)) // a server span with the same request ID
	got, _ := x.get("req")
	assert.Equal(t, entry(1, true), got)
	x.put(0, "req", entry(3, true)) // the same call's span, seen again
	got, _ = x.get("req")
	assert.Equal(t, entry(3, true), got)

	x.put(0, "srv", entry(4, false))
	x.put(0, "srv", entry(5, false))
	got, _ = x.get("srv")
	assert.Equal(t, entry(5, false), got)
	x.put(0, "srv", entry(6, true))
	got, _ = x.get("srv")
	assert.Equal(t, entry(6, true), got)
	assert.Equal(t, 2, x.len())
	assert.Equal(t, 2, x.order.len(), "a replaced entry keeps its one slot")
}

func TestIndexReplacedEntryKeepsItsAge(t *testing.T) {
	x := newIndex(time.Minute, 10)
	x.put(0, "req", entry(1, false))
	x.put((50 * time.Second), "req", entry(2, true))
	x.expire((time.Minute))
	assert.Zero(t, x.len())
}

func TestRingWrapsAndGrows(t *testing.T) {
	var r ring
	next, want := 0, 0
	for round := range 50 {
		for range round % 7 {
			r.push(slot{key: uint64(next)})
			next++
		}
		for range round % 5 {
			if r.len() == 0 {
				break
			}
			require.Equal(t, uint64(want), r.front().key)
			require.Equal(t, uint64(want), r.pop().key)
			want++
		}
	}
	assert.Equal(t, next-want, r.len())
	for r.len() > 0 {
		require.Equal(t, uint64(want), r.pop().key)
		want++
	}
}

func TestIndexNotifiesSubscribers(t *testing.T) {
	x := newIndex(time.Minute, 10)
	a, b := x.subscribe(), x.subscribe()
	x.notify()
	x.notify() // a pending signal is enough: never blocks
	assert.Len(t, a, 1)
	assert.Len(t, b, 1)
	<-a
	x.unsubscribe(a)
	<-b
	x.notify()
	assert.Empty(t, a)
	assert.Len(t, b, 1)
}
