// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package checkpoint

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failingSaves is a MemoryStore whose saves fail while fail is set.
type failingSaves struct {
	*MemoryStore
	fail bool
}

func (f *failingSaves) Save(ctx context.Context, key string, st State) error {
	if f.fail {
		return errors.New("disk full")
	}
	return f.MemoryStore.Save(ctx, key, st)
}

func TestMigratingReadsTheLegacyKeyOnce(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	legacyState := State{Settled: t0, Head: t0, Seen: map[string]time.Time{"a": t0}}
	base := &failingSaves{MemoryStore: NewMemoryStore()}
	require.NoError(t, base.Save(ctx, "old", legacyState))
	var moved []string
	m := NewMigrating(base, map[string]string{"new": "old"})
	m.Migrated = func(from, to string, err error) {
		assert.NoError(t, err)
		moved = append(moved, from+">"+to)
	}

	base.fail = true
	st, found, err := m.Load(ctx, "new")
	require.NoError(t, err)
	require.True(t, found, "a failed save still returns the legacy state")
	assert.Equal(t, legacyState, st)
	_, found, _ = base.Load(ctx, "old")
	assert.True(t, found, "the legacy key stays until the state is safe under the new one")
	assert.Empty(t, moved)

	base.fail = false
	st, found, err = m.Load(ctx, "new")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, legacyState, st)
	_, found, _ = base.Load(ctx, "old")
	assert.False(t, found, "the legacy key is removed once migrated")
	assert.Equal(t, []string{"old>new"}, moved)

	newer := State{Settled: t0.Add(time.Hour), Head: t0.Add(time.Hour), Seen: map[string]time.Time{}}
	require.NoError(t, m.Save(ctx, "new", newer))
	require.NoError(t, base.Save(ctx, "old", legacyState)) // an old release ran again
	st, _, err = m.Load(ctx, "new")
	require.NoError(t, err)
	assert.Equal(t, newer, st, "the new key wins over a legacy one")

	_, found, err = m.Load(ctx, "unmapped")
	require.NoError(t, err)
	assert.False(t, found)
}
