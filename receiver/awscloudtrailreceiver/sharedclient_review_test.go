// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The account-regions' STS clients share one pool of connections under any SDK
// defaults mode: outside the legacy mode (AWS_DEFAULTS_MODE, a profile's defaults_mode)
// every STS client the SDK makes copies a buildable HTTP client to set its connect and
// TLS timeouts, and so builds a transport of its own again.
func TestSTSClientsShareConnectionsInAnyDefaultsMode(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_DEFAULTS_MODE", "standard")
	_, cfg, accts, _, sts := countedAccountRegions(t, "5100000000")
	assert.LessOrEqual(t, sts.opened.Load(), int32(2), "connections to STS, for %d account-regions", len(accts)*len(cfg.Regions))
}
