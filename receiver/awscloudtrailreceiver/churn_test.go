// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.uber.org/goleak"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// Accounts that join and leave the organization again and again leave nothing behind:
// each stop releases the account's limiter and streams, and once the receiver is shut
// down (and the test's servers closed) no goroutine of it is left.
func TestAccountChurnLeavesNoGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) }) // runs last: after the servers closed
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{
		Roles:        awsemu.ReaderRoles("reader", "", acctA, acctB),
		Organization: []awsemu.OrgAccount{{ID: acctA}},
	})
	h.addAccountEvents(acctA, 5)
	h.addAccountEvents(acctB, 5)
	cfg := h.config()
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})
	r := h.startLogged(cfg, sink, w, logs.logger())
	t.Cleanup(func() { _ = r.Shutdown(context.Background()) }) // before the leak check, on any failure
	held := func(acct string) bool {
		_, ok := cloudtrail.SharedLimiters.Rate(cloudtrail.LimiterKey(acct, "us-east-1"))
		return ok
	}
	h.waitLimiter(cloudtrail.LimiterKey(acctA, "us-east-1"))
	prev := acctA
	for i := range 8 {
		next := []string{acctB, acctA}[i%2]
		h.srv.SetOrganization([]awsemu.OrgAccount{{ID: next}})
		tickUntil(t, w, func() bool { return held(next) && !held(prev) })
		prev = next
	}
	// The management account (the base identity's) stays; the one that left is gone. The
	// limiter is claimed a moment before the streams are added: wait for them.
	require.Eventually(t, func() bool {
		var accounts []string
		for _, s := range r.allStreams() {
			accounts = append(accounts, s.Settings().Account)
		}
		return assert.ObjectsAreEqual(sortedCopy([]string{awsemu.DefaultAccountID, prev}), sortedCopy(accounts))
	}, 30*time.Second, 5*time.Millisecond, "the streams of the accounts that left are gone")
	require.NoError(t, r.Shutdown(context.Background()))
	require.False(t, held(prev), "Shutdown releases the last account's limiter")
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
