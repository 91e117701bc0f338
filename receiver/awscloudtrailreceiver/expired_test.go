// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// A role's session that AWS calls expired while the host still thinks it valid (the
// host's clock runs behind AWS's, by the skew the receiver otherwise survives) is
// assumed again at the next poll: the stream does not retry with the dead keys until the
// host's clock reaches their expiration.
func TestExpiredRoleSessionIsAssumedAgain(t *testing.T) {
	var ahead atomic.Int64 // AWS's clock minus the host's
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{
		Roles: awsemu.ReaderRoles("reader", "", acctA),
		Clock: func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) },
	})
	h.srv.SetFaults(awsemu.Faults{ExpireSessions: true})
	first := h.addAccountEvents(acctA, 5)
	cfg := h.config()
	cfg.Accounts = []AccountConfig{{RoleARN: "arn:aws:iam::" + acctA + ":role/reader"}}
	r := h.startLogged(cfg, sink, w, logs.logger())
	defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(first) }, 30*time.Second, 5*time.Millisecond)
	assumed := h.srv.Requests()

	// 16 minutes pass for AWS (the SDK asks for 15-minute sessions); none for the host.
	ahead.Store(int64(16 * time.Minute))
	late := awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, Account: acctA,
		EventTime: time.Now().Add(15 * time.Minute)})
	h.srv.Store().Add(late)
	tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(first)+1 })
	again := awsemu.Filter(h.srv.Requests()[len(assumed):], func(r awsemu.RequestRecord) bool { return r.Operation == "AssumeRole" })
	require.NotEmpty(t, again, "the role was assumed again")
	require.Contains(t, logs.String(), "ExpiredTokenException")
}

// The base identity's role session, expired by AWS's clock while the host still thinks it
// valid, is assumed again for the organization's listing too: the accounts that join
// later are found.
func TestExpiredBaseSessionIsAssumedAgainForTheListing(t *testing.T) {
	var ahead atomic.Int64
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{
		Roles:        append(awsemu.ReaderRoles("reader", "", acctA, acctB), awsemu.ReaderRoles("base", "", awsemu.DefaultAccountID)...),
		Organization: []awsemu.OrgAccount{{ID: acctA}},
		Clock:        func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) },
	})
	h.srv.SetFaults(awsemu.Faults{ExpireSessions: true})
	a := h.addAccountEvents(acctA, 5)
	cfg := h.config()
	cfg.RoleARN = "arn:aws:iam::" + awsemu.DefaultAccountID + ":role/base"
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour,
		ExcludeAccounts: []string{awsemu.DefaultAccountID}}) // only the listing uses the base identity's keys
	r := h.startLogged(cfg, sink, w, logs.logger())
	defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(a) }, 30*time.Second, 5*time.Millisecond)

	ahead.Store(int64(16 * time.Minute))
	h.srv.SetOrganization([]awsemu.OrgAccount{{ID: acctA}, {ID: acctB}})
	b := awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, Account: acctB, EventTime: time.Now().Add(15 * time.Minute)})
	h.srv.Store().Add(b)
	tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(a)+1 })
	require.Contains(t, logs.String(), "ExpiredTokenException", "the listing was refused once")
}
