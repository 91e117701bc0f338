// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
