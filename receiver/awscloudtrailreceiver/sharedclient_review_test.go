// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// The account-regions' STS clients share one pool of connections under any SDK
// defaults mode: outside the legacy mode (AWS_DEFAULTS_MODE, a profile's defaults_mode)
// every STS client the SDK makes copies a buildable HTTP client to set its connect and
// TLS timeouts, and so builds a transport of its own again.
func TestSTSClientsShareConnectionsInAnyDefaultsMode(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_DEFAULTS_MODE", "standard")
	var accts []string
	for i := range 8 {
		accts = append(accts, fmt.Sprintf("5100000000%02d", i))
	}
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{Roles: awsemu.ReaderRoles("reader", "", accts...)})
	ctURL, _ := serveCounted(t, h.srv.Handler())
	stsURL, sts := serveCounted(t, h.srv.Handler())
	t.Setenv("AWS_ENDPOINT_URL_STS", stsURL)
	cfg := h.config()
	cfg.Endpoint = ctURL
	cfg.Regions = []string{"us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"}
	cfg.MaxConcurrentReads = 1
	var want int
	for _, a := range accts {
		want += len(h.addAccountEvents(a, 3))
		cfg.Accounts = append(cfg.Accounts, AccountConfig{RoleARN: "arn:aws:iam::" + a + ":role/reader"})
	}
	r := h.startLogged(cfg, sink, w, logs.logger())
	t.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == want }, 30*time.Second, 5*time.Millisecond)
	assert.LessOrEqual(t, sts.opened.Load(), int32(2), "connections to STS, for %d account-regions", len(accts)*len(cfg.Regions))
}
