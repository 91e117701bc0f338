// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package checkpoint

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/v1.json was written by the version 1 writer (JSON), before version 2.
func TestReadsVersion1Checkpoint(t *testing.T) {
	b, err := os.ReadFile("testdata/v1.json")
	require.NoError(t, err)
	st, err := Unmarshal(b)
	require.NoError(t, err)
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, State{
		Settled: base, Head: base.Add(14*time.Minute + 59*time.Second + 999999999),
		Seen: map[string]time.Time{
			"0b7c3a1e-5f42-4d8a-9a3e-2f1c6d7e8b90": base,
			"6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b": base.Add(time.Second),
			"6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4c": base.Add(time.Second),
			"not-a-uuid:legacy":                    base.Add(2*time.Minute + 500*time.Millisecond),
			"0B7C3A1E-5F42-4D8A-9A3E-2F1C6D7E8B91": base.Add(3 * time.Minute),
		},
	}, st)
	// Written again, it is version 2 and reads back the same, upper-case ID included.
	v2, err := Marshal(st)
	require.NoError(t, err)
	require.Equal(t, byte(formatVersion), v2[0])
	back, err := Unmarshal(v2)
	require.NoError(t, err)
	assert.Equal(t, st, back)
}

func TestCeilingCheckpointRoundTripUnder2MB(t *testing.T) {
	st := ceilingState()
	st.Seen["not-a-uuid"] = st.Settled.Add(-time.Nanosecond) // before settled: a negative offset
	st.Seen[""] = st.Settled.Add(time.Hour)
	b, err := Marshal(st)
	require.NoError(t, err)
	t.Logf("%d seen IDs: %d bytes", len(st.Seen), len(b))
	assert.LessOrEqual(t, len(b), 2<<20)
	got, err := Unmarshal(b)
	require.NoError(t, err)
	assert.Equal(t, st, got)
}

func TestEmptyStateRoundTrip(t *testing.T) {
	st := State{Settled: time.Unix(0, 0).UTC(), Head: time.Unix(0, 0).UTC(), Seen: map[string]time.Time{}}
	b, err := Marshal(st)
	require.NoError(t, err)
	got, err := Unmarshal(b)
	require.NoError(t, err)
	assert.Equal(t, st, got)
}

// Every cut of a version 2 checkpoint, and bytes that are no checkpoint at all, are
// ErrCorrupt, never a panic and never a state.
func TestTruncatedOrForeignCheckpointIsCorrupt(t *testing.T) {
	b, err := Marshal(sample())
	require.NoError(t, err)
	for n := range len(b) {
		_, err := Unmarshal(b[:n])
		require.ErrorIs(t, err, ErrCorrupt, "cut at %d", n)
	}
	for _, bad := range [][]byte{{}, {0}, {3, 1, 2}, {0xff}, []byte("[]"), append(b, 0)} {
		_, err := Unmarshal(bad)
		require.ErrorIs(t, err, ErrCorrupt, "%q", bad)
	}
}

func TestUUIDsOnlyInCanonicalLowerCase(t *testing.T) {
	for _, id := range []string{"0b7c3a1e-5f42-4d8a-9a3e-2f1c6d7e8b90", "00000000-0000-0000-0000-000000000000"} {
		u, ok := parseUUID(id)
		require.True(t, ok, id)
		assert.Equal(t, id, formatUUID(u[:]))
	}
	for _, id := range []string{"0B7C3A1E-5F42-4D8A-9A3E-2F1C6D7E8B90", "0b7c3a1e5f424d8a9a3e2f1c6d7e8b90", "0b7c3a1e-5f42-4d8a-9a3e-2f1c6d7e8b9g",
		"0b7c3a1e-5f42-4d8a-9a3e_2f1c6d7e8b90", "{0b7c3a1e-5f42-4d8a-9a3e-2f1c6d7e8b9}"} {
		_, ok := parseUUID(id)
		assert.False(t, ok, id)
	}
}

func FuzzUnmarshal(f *testing.F) {
	b, _ := Marshal(sample())
	f.Add(b)
	v1, _ := os.ReadFile("testdata/v1.json")
	f.Add(v1)
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Unmarshal(b)
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
			return
		}
		again, err := Marshal(st)
		require.NoError(t, err)
		back, err := Unmarshal(again)
		require.NoError(t, err)
		require.Equal(t, st, back)
	})
}

// A State changed through Add and Prune (the encoding kept up to date) marshals to what
// its map says, also after direct map changes, overwrites and non-UUID IDs.
func TestIncrementalEncodingMatchesMap(t *testing.T) {
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		st := State{Settled: base, Head: base}
		var ids []string
		for step := range 200 {
			switch r := rng.IntN(20); {
			case r < 14:
				id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()>>16)
				if rng.IntN(10) == 0 {
					id = fmt.Sprintf("other-%d", rng.IntN(1000))
				}
				at := st.Settled.Add(time.Duration(rng.IntN(600)) * time.Second)
				if rng.IntN(5) == 0 {
					at = at.Add(time.Duration(rng.IntN(1e9)))
				}
				st.Add(id, at)
				ids = append(ids, id)
			case r < 16 && len(ids) > 0:
				st.Add(ids[rng.IntN(len(ids))], st.Settled.Add(time.Duration(rng.IntN(600))*time.Second)) // overwrite
			case r < 19:
				st.Settled = st.Settled.Add(time.Duration(rng.IntN(90)) * time.Second)
				st.Head = st.Settled.Add(time.Minute)
				st.Prune()
			default:
				if st.Seen != nil { // a direct change, against the rule: still correct
					st.Seen[fmt.Sprintf("direct-%d", step)] = st.Settled
				}
			}
			b, err := Marshal(st)
			require.NoError(t, err)
			got, err := Unmarshal(b)
			require.NoError(t, err)
			want := State{Settled: st.Settled, Head: st.Head, Seen: map[string]time.Time{}}
			for id, at := range st.Seen {
				want.Seen[id] = at.UTC()
			}
			require.Equal(t, want, got, "seed %d step %d", seed, step)
		}
	}
}
