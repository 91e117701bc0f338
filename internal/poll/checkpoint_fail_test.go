// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
)

// An unreadable checkpoint (garbage, or a format version from the future) is logged as an
// error naming the stream, kept aside, and the stream starts again at start_at.
func TestUnreadableCheckpointRestartsAtStartAt(t *testing.T) {
	for name, blob := range map[string][]byte{"garbage": []byte("\x00\x01garbage"), "future version": {42, 0, 0, 0}, "cut json": []byte(`{"v":1,"sett`)} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, awsemu.Options{})
			set := e.settings()
			set.Start = t0.Add(-time.Hour)
			e.store.SetRaw(set.CheckpointKey(), blob)
			evs := []awsemu.Event{e.add(t0.Add(-50*time.Minute), 0, "CreateAlert"), e.add(t0.Add(-5*time.Minute), 0, "DeleteAlert")}
			core, logs := observer.New(zapcore.ErrorLevel)
			s := NewStream(set, Deps{Source: e.client, Next: e.sink, Store: e.store, Logger: zap.New(core), Now: e.clock.Now})
			require.NoError(t, s.Poll(context.Background()))
			assert.Equal(t, idsOldestFirst(evs), emittedIDs(e.sink))
			errs := logs.FilterMessageSnippet("Checkpoint cannot be read").All()
			require.Len(t, errs, 1)
			assert.Equal(t, set.CheckpointKey(), errs[0].ContextMap()["stream"])
			aside, ok := e.store.Raw(checkpoint.AsideKey(set.CheckpointKey()))
			require.True(t, ok)
			assert.Equal(t, blob, aside, "the bad bytes are kept for inspection")
			_, found, err := e.store.Load(context.Background(), set.CheckpointKey())
			require.NoError(t, err)
			assert.True(t, found, "a new checkpoint replaced it")
		})
	}
}

// failingStore fails every Save while fail is set.
type failingStore struct {
	checkpoint.Store
	mu   sync.Mutex
	fail bool
}

func (f *failingStore) setFail(v bool) { f.mu.Lock(); f.fail = v; f.mu.Unlock() }
func (f *failingStore) Save(ctx context.Context, key string, st checkpoint.State) error {
	f.mu.Lock()
	fail := f.fail
	f.mu.Unlock()
	if fail {
		return errors.New("disk full")
	}
	return f.Store.Save(ctx, key, st)
}

// Failed saves are counted; the poll reports them until a save succeeds; events keep
// flowing meanwhile.
func TestFailedSavesCountedAndReportedUntilOneSucceeds(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	store := &failingStore{Store: e.store, fail: true}
	s := NewStream(set, Deps{Source: e.client, Next: e.sink, Store: store, Metrics: e.metrics, Now: e.clock.Now})
	a := e.add(t0.Add(-30*time.Minute), 0, "CreateAlert")

	err := s.Poll(context.Background())
	require.ErrorIs(t, err, ErrCheckpointSave)
	require.ErrorContains(t, err, "disk full")
	assert.Equal(t, []string{a.EventID}, emittedIDs(e.sink), "delivered even though not saved")
	assert.Positive(t, e.metrics.saveFailure)
	assert.Equal(t, 10*time.Minute, RetryDelay(10*time.Minute, 1, err), "retried at the next regular poll")

	e.clock.Advance(time.Minute)
	b := e.add(t0.Add(30*time.Second), 0, "DeleteAlert")
	require.ErrorIs(t, s.Poll(context.Background()), ErrCheckpointSave)
	assert.Equal(t, []string{a.EventID, b.EventID}, emittedIDs(e.sink), "no duplicates from memory")

	store.setFail(false)
	e.clock.Advance(time.Minute)
	require.NoError(t, s.Poll(context.Background()), "healthy again once a save succeeds")
	st, found, err := e.store.Load(context.Background(), set.CheckpointKey())
	require.NoError(t, err)
	require.True(t, found)
	assert.Contains(t, st.Seen, b.EventID)
}
