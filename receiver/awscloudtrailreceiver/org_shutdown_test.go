// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// Shutdown while a refresh lists the organization (the listing hangs) returns at once,
// starts no account from that listing, and reports no failure of it.
func TestShutdownDuringAnOrganizationRefresh(t *testing.T) {
	h, fd := newFrontHarness(t, awsemu.Options{RequestsPerSecond: -1,
		Roles: awsemu.ReaderRoles("reader", "", acctA), Organization: []awsemu.OrgAccount{{ID: acctA}}})
	t.Setenv("AWS_ENDPOINT_URL_STS", h.url)
	t.Setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", h.url)
	var listing atomic.Int32
	f := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == awsemu.ListAccountsTarget {
			_, _ = io.Copy(io.Discard, r.Body) // the server notices a client leaving only once the body is read
			listing.Add(1)
			<-r.Context().Done() // hangs until the receiver gives up
			return
		}
		h.srv.Handler().ServeHTTP(w, r)
	})
	fd.override.Store(&f)
	cfg := h.config()
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})
	logs, sink, w := &logBuffer{}, &gate{}, newWaits()
	r := h.startLogged(cfg, sink, w, logs.logger())
	require.Eventually(t, func() bool { return listing.Load() > 0 }, 30*time.Second, 5*time.Millisecond)

	shutdownWithin(t, r, 10*time.Second, "Shutdown waited for the listing")
	assert.Empty(t, r.allStreams(), "no account started")
	assert.NotEqual(t, componentstatus.StatusRecoverableError, h.host.lastStatus(), "stopping is not a failure")
	assert.NotContains(t, logs.String(), "Listing the organization's accounts failed")
}
