// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// A request that gets no response (connection refused) is a network error, retried soon.
func TestConnectionRefusedIsANetworkError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	client := newClient(t, url, noRetries)
	_, err = client.Lookup(context.Background(), lastHour(), "")
	require.Error(t, err)
	assert.Equal(t, cloudtrail.KindServer, cloudtrail.Classify(err), "%v", err)
	assert.Equal(t, "network_error", cloudtrail.Outcome(err), "%v", err)
}
