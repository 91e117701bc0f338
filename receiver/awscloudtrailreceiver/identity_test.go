// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// checkpointKey is where a stream of account, region and source keeps its checkpoint.
func checkpointKey(account, region, source string) string {
	return "awscloudtrail/v2/" + account + "/" + region + "/" + source
}

// The same storage used with the credentials of another account starts that account's
// stream afresh (at start_at) instead of resuming from the first account's position; each
// account's checkpoint is under its own key. GetCallerIdentity is asked once per run.
func TestCheckpointsAreKeyedByAccount(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	dir, storageID := t.TempDir(), component.MustNewID("file_storage")
	evs := h.addEvents(defaultEventSource, 30)
	cfg := h.config()
	cfg.Storage = &storageID
	first, second := h.sts.account, randomAccount()

	run := func() []string {
		defer h.withFileStorage(storageID, dir)()
		sink := new(consumertest.LogsSink)
		w := newWaits()
		r := h.startLogged(cfg, sink, w, nopLogger())
		w.first(t)
		w.poll(t)
		require.NoError(t, r.Shutdown(context.Background()))
		return eventIDs(sink)
	}
	assert.ElementsMatch(t, idsOf(evs), run())
	assert.Equal(t, 1, h.sts.count("GetCallerIdentity", "us-east-1"), "once per credential set, not per poll")
	h.sts.setAccount(second)
	assert.ElementsMatch(t, idsOf(evs), run(), "another account's history is read from start_at")

	defer h.withFileStorage(storageID, dir)()
	client := h.storageClient(storageID)
	for _, account := range []string{first, second} {
		b, err := client.Get(context.Background(), checkpointKey(account, "us-east-1", defaultEventSource))
		require.NoError(t, err)
		assert.NotNil(t, b, "account %s has its own checkpoint", account)
	}
}

// A checkpoint written before checkpoints carried the account (region/source) is read
// once, saved under the account's key, and removed: the stream resumes where it was.
func TestLegacyCheckpointIsMigrated(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	dir, storageID := t.TempDir(), component.MustNewID("file_storage")
	now := time.Now().UTC().Truncate(time.Second)
	old := awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, EventTime: now.Add(-time.Hour)})
	recent := awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, EventTime: now.Add(-10 * time.Minute)})
	h.srv.Store().Add(old, recent)
	legacyKey := "awscloudtrail/v1/us-east-1/" + defaultEventSource
	stop := h.withFileStorage(storageID, dir)
	legacy := checkpoint.State{Settled: now.Add(-20 * time.Minute), Head: now.Add(-20 * time.Minute), Seen: map[string]time.Time{}}
	client := h.storageClient(storageID)
	require.NoError(t, checkpoint.NewStorageStore(client).Save(context.Background(), legacyKey, legacy))
	require.NoError(t, client.Close(context.Background()))
	stop()

	cfg := h.config()
	cfg.Storage = &storageID
	defer h.withFileStorage(storageID, dir)()
	sink := new(consumertest.LogsSink)
	w := newWaits()
	r := h.startLogged(cfg, sink, w, nopLogger())
	w.first(t)
	require.NoError(t, r.Shutdown(context.Background()))
	assert.Equal(t, []string{recent.EventID}, eventIDs(sink), "resumed at the legacy checkpoint, not at start_at")

	client = h.storageClient(storageID)
	b, err := client.Get(context.Background(), legacyKey)
	require.NoError(t, err)
	assert.Nil(t, b, "the legacy checkpoint is read once, then removed")
	b, err = client.Get(context.Background(), checkpointKey(h.sts.account, "us-east-1", defaultEventSource))
	require.NoError(t, err)
	require.NotNil(t, b)
	st, err := checkpoint.Unmarshal(b)
	require.NoError(t, err)
	assert.False(t, st.Head.Before(recent.EventTime), "the stream went on from the migrated checkpoint")
}

// Receivers that reach one account-region through different settings (another endpoint,
// profile or role) share its limiter, because the quota is the account's.
func TestLimiterIsKeyedByAccount(t *testing.T) {
	h1 := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	h2 := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	h2.sts.setAccount(h1.sts.account)
	t.Setenv("AWS_ENDPOINT_URL_STS", h1.sts.url) // one STS for both
	cfg1, cfg2 := h1.config(), h2.config()
	cfg2.RequestsPerSecond = 0.5
	key := cloudtrail.LimiterKey(h1.sts.account, "us-east-1")

	r1 := h1.start(cfg1, consumertest.NewNop(), make(ticks))
	h1.waitRate(key, 2)
	r2 := h2.start(cfg2, consumertest.NewNop(), make(ticks))
	h1.waitRate(key, 0.5)
	require.NoError(t, r2.Shutdown(context.Background()))
	require.NoError(t, r1.Shutdown(context.Background()))
	_, ok := cloudtrail.SharedLimiters.Rate(key)
	assert.False(t, ok)
}
