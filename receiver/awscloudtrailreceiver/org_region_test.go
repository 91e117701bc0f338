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
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// Discovery does not hang on the first region: when STS refuses the base identity in
// regions[0] (an opt-in region not enabled, an outage), the organization is still listed
// through a region whose STS answers, and the accounts are polled where they can be.
func TestOrganizationDiscoveryNeedsNoParticularRegion(t *testing.T) {
	for _, regions := range [][]string{{"eu-west-1", "us-east-1"}, {"us-east-1", "eu-west-1"}} {
		t.Run(strings.Join(regions, ","), func(t *testing.T) {
			h, sink, w, logs := newAccountsHarness(t, awsemu.Options{
				Roles:              awsemu.ReaderRoles("reader", "", acctA),
				Organization:       []awsemu.OrgAccount{{ID: acctA}},
				STSDisabledRegions: []string{"eu-west-1"},
			})
			a := h.addAccountEvents(acctA, 10) // us-east-1
			cfg := h.config()
			cfg.Regions = regions
			cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})
			r := h.startLogged(cfg, sink, w, logs.logger())
			defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
			tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(a) })
			assert.ElementsMatch(t, idsOf(a), eventIDs(&sink.sink))
		})
	}
}

// A failing ListAccounts (here: the organization is gone, or the permission was never
// granted) is the component's status, not only a log line: a receiver that polls nothing
// because it cannot list the organization must not look healthy. It recovers once a
// listing works.
func TestOrganizationListingFailureIsReported(t *testing.T) {
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{Roles: awsemu.ReaderRoles("reader", "", acctA)})
	a := h.addAccountEvents(acctA, 10)
	cfg := h.config()
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})
	r := h.startLogged(cfg, sink, w, logs.logger())
	defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return h.host.lastStatus() == componentstatus.StatusRecoverableError },
		30*time.Second, 5*time.Millisecond, "no organization: the listing fails")
	assert.Contains(t, h.host.lastErr().Error(), "AWSOrganizationsNotInUseException")
	assert.Contains(t, h.host.lastErr().Error(), "organization", "the status says what fails")

	h.srv.SetOrganization([]awsemu.OrgAccount{{ID: acctA}})
	tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(a) })
	tickUntil(t, w, func() bool { return h.host.lastStatus() == componentstatus.StatusOK })
}
