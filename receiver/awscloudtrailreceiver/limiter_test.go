// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// The quota of an account-region is paced at the lowest rate among the receivers that use
// it now: a slower receiver that shuts down (a config reload, a pipeline removed) no
// longer slows the others, and the last one to stop leaves no claim behind.
func TestShutdownReleasesTheLimiterClaim(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	slowCfg, fastCfg := h.config(), h.config()
	slowCfg.RequestsPerSecond, fastCfg.RequestsPerSecond = 0.5, 2
	key := h.limiterKey("us-east-1")

	fast := h.start(fastCfg, consumertest.NewNop(), make(ticks))
	h.waitLimiter(key)
	slow := h.start(slowCfg, consumertest.NewNop(), make(ticks))
	h.waitRate(key, 0.5)
	require.NoError(t, slow.Shutdown(context.Background()))
	rps, ok := cloudtrail.SharedLimiters.Rate(key)
	require.True(t, ok)
	assert.InDelta(t, 2.0, rps, 0, "the slower receiver's claim is gone")
	require.NoError(t, fast.Shutdown(context.Background()))
	_, ok = cloudtrail.SharedLimiters.Rate(key)
	assert.False(t, ok, "no receiver holds the account-region any more")
}
