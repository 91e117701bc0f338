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
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// Each discovered account keeps its own checkpoint, keyed by the account the role
// belongs to, and a restarted receiver resumes every account from it: the second run
// emits only what arrived in between, late events of the overlap window included.
func TestOrganizationCheckpointsSurviveRestart(t *testing.T) {
	h, _, _, _ := newAccountsHarness(t, awsemu.Options{
		Roles:        awsemu.ReaderRoles("reader", "", acctA, acctB),
		Organization: []awsemu.OrgAccount{{ID: acctA}, {ID: acctB}},
	})
	store := &memStorage{data: map[string][]byte{}}
	id := component.MustNewID("memory_storage")
	h.host.setExtension(id, store)
	first := append(h.addAccountEvents(acctA, 10), h.addAccountEvents(acctB, 10)...)
	cfg := h.config()
	cfg.Storage = &id
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})

	run := func(want int) []string {
		sink, w := &gate{}, newWaits()
		r := h.startLogged(cfg, sink, w, nopLogger())
		tickUntil(t, w, func() bool {
			return sink.sink.LogRecordCount() >= want && store.has(checkpointKey(acctA, "us-east-1", defaultEventSource)) &&
				store.has(checkpointKey(acctB, "us-east-1", defaultEventSource))
		})
		require.NoError(t, r.Shutdown(context.Background()))
		return eventIDs(&sink.sink)
	}
	assert.ElementsMatch(t, idsOf(first), run(len(first)))

	now := time.Now().UTC()
	var second []awsemu.Event
	for _, acct := range []string{acctA, acctB} {
		for _, at := range []time.Time{now, now.Add(-5 * time.Minute)} { // the second one is late
			second = append(second, awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, Account: acct, EventTime: at}))
		}
	}
	h.srv.Store().Add(second...)
	cfg.StartAt = "now" // a checkpoint wins over start_at
	assert.ElementsMatch(t, idsOf(second), run(len(second)), "nothing lost, nothing emitted twice")
}

func (m *memStorage) has(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.data[key] != nil
}
