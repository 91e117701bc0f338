// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package checkpoint

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file measure the heap or compare encodings across compactions: none
// of them runs in parallel.

// heapAlloc is the heap in use after two full collections.
func heapAlloc() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// A stream that caught up (20,000 IDs in one slice, all settled since) keeps ~50 IDs: the
// state must not keep the table and the encoding of its largest slice.
func TestPrunedStateGivesMemoryBack(t *testing.T) {
	for _, viaAdd := range []bool{true, false} {
		t.Run(fmt.Sprintf("viaAdd=%v", viaAdd), func(t *testing.T) {
			base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			ids := make([]string, 20_050)
			for i := range ids {
				ids[i] = testUUID(uint64(i))
			}
			before := heapAlloc()
			st := &State{Settled: base, Head: base}
			if !viaAdd {
				st.Seen = map[string]time.Time{}
			}
			for i, id := range ids[:20_000] {
				at := base.Add(time.Duration(i/100) * time.Second)
				if viaAdd {
					st.Add(id, at)
				} else {
					st.Seen[id] = at
				}
			}
			later := base.Add(time.Hour)
			for _, id := range ids[20_000:] {
				st.Add(id, later)
			}
			st.Settled = later
			st.Prune()
			retained := heapAlloc() - before
			require.Len(t, st.Seen, 50)
			b, err := Marshal(*st)
			require.NoError(t, err)
			got, err := Unmarshal(b)
			require.NoError(t, err)
			assert.Len(t, got.Seen, 50)
			runtime.KeepAlive(st)
			runtime.KeepAlive(ids)
			t.Logf("50 seen IDs kept, %d bytes retained", retained)
			assert.Less(t, retained, int64(200<<10), "retained heap")
		})
	}
}

// pruneWithoutCompaction prunes s as Prune did before it compacted.
func pruneWithoutCompaction(s *State) {
	floor := compactFloor
	compactFloor = math.MaxInt
	defer func() { compactFloor = floor }()
	s.Prune()
}

// deepCopy is a copy of s, its encoding included, that shares no memory with it.
func deepCopy(s *State) *State {
	c := &State{Settled: s.Settled, Head: s.Head, peak: s.peak}
	if s.Seen != nil {
		c.Seen = make(map[string]time.Time, len(s.Seen))
		for id, t := range s.Seen {
			c.Seen[id] = t
		}
	}
	if s.log != nil {
		l := *s.log
		l.uuids = bytes.Clone(l.uuids)
		l.others = bytes.Clone(l.others)
		c.log = &l
	}
	return c
}

// Compactions change where the state keeps its IDs, never what it holds or how it is
// written: through bursts (which compact when pruned) and steady runs, with UUIDs and
// other IDs, whole seconds and nanoseconds, overwrites, direct map changes and restarts
// (Unmarshal), every Prune leaves the same Seen set as a Prune without compaction, and
// the same bytes whenever the state kept its encoding (without it, Marshal encodes the
// map in its iteration order, which differs from one encoding to the next anyway); and a
// round trip gives the same set back.
func TestCompactionKeepsSeenAndEncoding(t *testing.T) {
	compactions, compared := 0, 0
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 11))
		base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		st := &State{Settled: base, Head: base}
		var ids []string
		next := seed << 32
		newID := func() string {
			next++
			if rng.IntN(8) == 0 {
				return fmt.Sprintf("other-%d", next)
			}
			return testUUID(next)
		}
		at := func() time.Time {
			t := st.Settled.Add(time.Duration(rng.IntN(300)) * time.Second)
			if rng.IntN(6) == 0 {
				t = t.Add(time.Duration(rng.IntN(1e9)))
			}
			return t
		}
		for step := range 120 {
			switch r := rng.IntN(20); {
			case r < 3: // a catch-up slice
				for range 100 + rng.IntN(2000) {
					id := newID()
					st.Add(id, at())
					ids = append(ids, id)
				}
			case r < 11:
				for range rng.IntN(60) {
					id := newID()
					st.Add(id, at())
					ids = append(ids, id)
				}
			case r < 12 && len(ids) > 0:
				st.Add(ids[rng.IntN(len(ids))], at()) // overwrite (or re-add)
			case r < 13 && st.Seen != nil: // a direct change, against the rule: still correct
				st.Seen[fmt.Sprintf("direct-%d", step)] = st.Settled.Add(time.Minute)
			case r < 14: // a restart
				b, err := Marshal(*st)
				require.NoError(t, err)
				back, err := Unmarshal(b)
				require.NoError(t, err)
				st = &back
			default:
				st.Settled = st.Settled.Add(time.Duration(rng.IntN(400)) * time.Second)
				st.Head = st.Settled.Add(time.Minute)
				plain := deepCopy(st)
				pruneWithoutCompaction(plain)
				peak := max(st.peak, len(st.Seen))
				st.Prune()
				compacted := st.peak != peak
				if compacted {
					compactions++
				}
				requireSameSeen(t, plain.Seen, st.Seen, fmt.Sprintf("seed %d step %d", seed, step))
				if plain.log == nil || plain.log.n() != len(plain.Seen) {
					break
				}
				if compacted {
					compared++
				}
				want, err := Marshal(*plain)
				require.NoError(t, err)
				got, err := Marshal(*st)
				require.NoError(t, err)
				require.Equal(t, want, got, "seed %d step %d: the encoding changed", seed, step)
			}
			b, err := Marshal(*st)
			require.NoError(t, err)
			back, err := Unmarshal(b)
			require.NoError(t, err)
			requireSameSeen(t, st.Seen, back.Seen, fmt.Sprintf("seed %d step %d: round trip", seed, step))
		}
	}
	t.Logf("%d compactions, %d of them with the encoding kept", compactions, compared)
	assert.Positive(t, compared)
}

// requireSameSeen checks that got holds the IDs of want at the same instants (reflect's
// DeepEqual is too slow for thousands of IDs at every step).
func requireSameSeen(t *testing.T, want, got map[string]time.Time, where string) {
	t.Helper()
	require.Len(t, got, len(want), where)
	for id, at := range want {
		if g, ok := got[id]; !ok || !g.Equal(at) {
			require.Failf(t, "seen sets differ", "%s: %q: want %v, got %v (present %v)", where, id, at, g, ok)
		}
	}
}

// Without overwrites and direct changes, a state's encoding depends only on what was
// added and when it was pruned: one that compacts writes, at every step, the same bytes
// as one that never does.
func TestCompactingStateWritesTheBytesOfOneThatNeverDoes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	a, plain := &State{Settled: base, Head: base}, &State{Settled: base, Head: base}
	next := uint64(0)
	for step := range 400 {
		n := rng.IntN(40)
		if step%50 == 0 {
			n = 5000
		}
		for range n {
			next++
			id := testUUID(next)
			if next%7 == 0 {
				id = fmt.Sprintf("id-%d", next)
			}
			t := a.Settled.Add(time.Duration(rng.IntN(120))*time.Second + time.Duration(next%3))
			a.Add(id, t)
			plain.Add(id, t)
		}
		a.Settled = a.Settled.Add(time.Duration(rng.IntN(60)) * time.Second)
		a.Head, plain.Settled, plain.Head = a.Settled, a.Settled, a.Settled
		a.Prune()
		pruneWithoutCompaction(plain)
		want, err := Marshal(*plain)
		require.NoError(t, err)
		got, err := Marshal(*a)
		require.NoError(t, err)
		require.Equal(t, want, got, "step %d", step)
	}
}
