// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// failingAccount returns which of accounts the component's last status error names.
func (h *harness) failingAccount(accounts ...string) string {
	err := h.host.lastErr()
	if err == nil {
		return ""
	}
	for _, a := range accounts {
		if strings.Contains(err.Error(), "account "+a+" ") {
			return a
		}
	}
	return ""
}

// The component's status names an account that is failing now: when the account it
// named recovers while another still fails, the status moves to the one still failing
// instead of blaming the one that works again. The streams gauge follows each step.
func TestStatusNamesAnAccountStillFailing(t *testing.T) {
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{Roles: awsemu.ReaderRoles("reader", "", acctA, acctB, acctC)})
	a, b, c := h.addAccountEvents(acctA, 5), h.addAccountEvents(acctB, 5), h.addAccountEvents(acctC, 5)
	h.srv.SetRegionEnabled(acctA, "us-east-1", false)
	h.srv.SetRegionEnabled(acctB, "us-east-1", false)
	cfg := h.config()
	for _, acct := range []string{acctA, acctB, acctC} {
		cfg.Accounts = append(cfg.Accounts, AccountConfig{RoleARN: "arn:aws:iam::" + acct + ":role/reader"})
	}
	r := h.startLogged(cfg, sink, w, logs.logger())
	defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(c) }, 30*time.Second, 5*time.Millisecond)
	tickUntil(t, w, func() bool {
		return assert.ObjectsAreEqual(map[string]int64{"polling": 1, "backing_off": 0, "failed": 2}, h.streamStates())
	})
	named := h.failingAccount(acctA, acctB)
	require.NotEmpty(t, named, "the status names a failing account: %v", h.host.lastErr())
	other, otherEvents := acctB, len(b)
	if named == acctB {
		other, otherEvents = acctA, len(a)
	}

	h.srv.SetRegionEnabled(named, "us-east-1", true)
	tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(c)+5 })
	tickUntil(t, w, func() bool {
		return assert.ObjectsAreEqual(map[string]int64{"polling": 2, "backing_off": 0, "failed": 1}, h.streamStates())
	})
	require.Equal(t, componentstatus.StatusRecoverableError, h.host.lastStatus(), "%s still fails", other)
	assert.Equal(t, other, h.failingAccount(acctA, acctB), "the status names the account still failing: %v", h.host.lastErr())

	h.srv.SetRegionEnabled(other, "us-east-1", true)
	tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(c)+5+otherEvents })
	tickUntil(t, w, func() bool { return h.host.lastStatus() == componentstatus.StatusOK })
	assert.Equal(t, map[string]int64{"polling": 3, "backing_off": 0, "failed": 0}, h.streamStates())
}

// An account whose role cannot be assumed is counted, per account and region, every
// time its identity look-up fails; the accounts that work are not.
func TestCredentialFailuresAreCountedPerAccount(t *testing.T) {
	roles := append(awsemu.ReaderRoles("reader", "", acctA), awsemu.ReaderRoles("reader", "right", acctC)...)
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{Roles: roles})
	a := h.addAccountEvents(acctA, 5)
	cfg := h.config()
	cfg.Accounts = []AccountConfig{
		{RoleARN: "arn:aws:iam::" + acctA + ":role/reader"},
		{RoleARN: "arn:aws:iam::" + acctC + ":role/reader", ExternalID: "wrong"},
	}
	r := h.startLogged(cfg, sink, w, logs.logger())
	defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(a) }, 30*time.Second, 5*time.Millisecond)
	failures := func() map[string]int64 {
		out := map[string]int64{}
		m, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_credential_failures")
		if err != nil {
			return out
		}
		for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
			acct, _ := p.Attributes.Value("account")
			region, _ := p.Attributes.Value("region")
			out[acct.AsString()+"/"+region.AsString()] += p.Value
		}
		return out
	}
	tickUntil(t, w, func() bool { return failures()[acctC+"/us-east-1"] >= 3 })
	assert.Len(t, failures(), 1, "only the failing account is counted: %v", failures())
}
