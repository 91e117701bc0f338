// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

const (
	acctA = "111111111111"
	acctB = "222222222222"
	acctC = "333333333333"
)

// addAccountEvents stores n events of the default source in account (us-east-1).
func (h *harness) addAccountEvents(account string, n int) []awsemu.Event {
	now := time.Now().UTC()
	evs := make([]awsemu.Event, n)
	for i := range evs {
		evs[i] = awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource, Account: account,
			EventTime: now.Add(-30*time.Minute + time.Duration(i)*time.Second)})
	}
	h.srv.Store().Add(evs...)
	return evs
}

// newAccountsHarness is a harness whose emulator is also the STS and Organizations the
// receiver reaches (through the SDK's standard endpoint variables).
func newAccountsHarness(t *testing.T, opts awsemu.Options) (*harness, *gate, *waits, *logBuffer) {
	opts.RequestsPerSecond = -1
	h, _ := newFrontHarness(t, opts)
	t.Setenv("AWS_ENDPOINT_URL_STS", h.url)
	t.Setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", h.url)
	return h, &gate{}, newWaits(), &logBuffer{}
}

// The listed accounts are read through their roles, each with its own credentials; an
// account whose role cannot be assumed is reported and retried while the others flow,
// and the base identity's own account is not read unless listed.
func TestAccountsArePolledApart(t *testing.T) {
	roles := append(awsemu.ReaderRoles("reader", "", acctA, acctB), awsemu.ReaderRoles("reader", "right", acctC)...)
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{Roles: roles})
	a, b := h.addAccountEvents(acctA, 20), h.addAccountEvents(acctB, 20)
	h.addAccountEvents(acctC, 5)
	h.addAccountEvents(awsemu.DefaultAccountID, 5)
	cfg := h.config()
	cfg.Accounts = []AccountConfig{
		{RoleARN: "arn:aws:iam::" + acctA + ":role/reader"},
		{RoleARN: "arn:aws:iam::" + acctB + ":role/reader"},
		{RoleARN: "arn:aws:iam::" + acctC + ":role/reader", ExternalID: "wrong"},
	}
	r := h.startLogged(cfg, sink, w, logs.logger())
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(a)+len(b) }, 30*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return h.host.lastStatus() == componentstatus.StatusRecoverableError }, 30*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool {
		return assert.ObjectsAreEqual(map[string]int64{"polling": 2, "backing_off": 0, "failed": 1}, h.streamStates())
	}, 30*time.Second, 5*time.Millisecond, "A and B polling, C failed")
	lag, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_checkpoint_lag")
	require.NoError(t, err)
	var accounts []string
	for _, p := range lag.Data.(metricdata.Gauge[float64]).DataPoints {
		a, _ := p.Attributes.Value("account")
		accounts = append(accounts, a.AsString())
	}
	assert.ElementsMatch(t, []string{acctA, acctB}, accounts, "per-stream telemetry names the account")
	require.NoError(t, r.Shutdown(context.Background()))
	assert.ElementsMatch(t, append(idsOf(a), idsOf(b)...), eventIDs(&sink.sink))
	assert.Contains(t, logs.String(), `"stream":"account `+acctC+` region us-east-1 credentials"`)
	require.Error(t, h.host.lastErr())
	assert.Contains(t, h.host.lastErr().Error(), "account "+acctC+" region us-east-1 credentials: ", "the status names the account")
}

// With organization, the ACTIVE member accounts are discovered and read through the
// role; the management account (the base identity's), where no such role exists, is
// read with the base identity; a suspended account is not read.
func TestOrganizationAccountsAreDiscovered(t *testing.T) {
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{
		Roles:        awsemu.ReaderRoles("reader", "", acctA, acctB),
		Organization: []awsemu.OrgAccount{{ID: acctA}, {ID: acctB, State: awsemu.AccountSuspended}},
	})
	a, mgmt := h.addAccountEvents(acctA, 20), h.addAccountEvents(awsemu.DefaultAccountID, 10)
	h.addAccountEvents(acctB, 5)
	cfg := h.config()
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})
	r := h.startLogged(cfg, sink, w, logs.logger())
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(a)+len(mgmt) }, 30*time.Second, 5*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))
	assert.ElementsMatch(t, append(idsOf(a), idsOf(mgmt)...), eventIDs(&sink.sink))
}

// A refresh starts the accounts that joined (at start_at) and stops those that left: their
// streams leave the telemetry and their limiter claims are released.
func TestOrganizationRefreshStartsAndStopsAccounts(t *testing.T) {
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{
		Roles:        awsemu.ReaderRoles("reader", "", acctA, acctB),
		Organization: []awsemu.OrgAccount{{ID: acctA}},
	})
	a, b := h.addAccountEvents(acctA, 10), h.addAccountEvents(acctB, 10)
	cfg := h.config()
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})
	r := h.startLogged(cfg, sink, w, logs.logger())
	defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(a) }, 30*time.Second, 5*time.Millisecond)
	h.waitLimiter(cloudtrail.LimiterKey(acctA, "us-east-1"))

	h.srv.SetOrganization([]awsemu.OrgAccount{{ID: acctB}})
	tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(a)+len(b) })
	assert.ElementsMatch(t, append(idsOf(a), idsOf(b)...), eventIDs(&sink.sink))
	tickUntil(t, w, func() bool {
		_, held := cloudtrail.SharedLimiters.Rate(cloudtrail.LimiterKey(acctA, "us-east-1"))
		return !held
	})
	for _, s := range r.allStreams() {
		assert.NotEqual(t, acctA, s.Settings().Account, "the account that left is no longer polled")
	}
	assert.Contains(t, logs.String(), "Account no longer discovered")
}
