// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdminRatesPerAccountRegion(t *testing.T) {
	h := newHarness(t, Options{RequestsPerSecond: 2, Burst: 2, Accounts: map[string]string{"AKIDB": acctB}})
	a, b := h.client(testAKID), h.client("AKIDB")
	for range 3 { // the third within the same second is throttled
		_, _ = lookup(t, a, &cloudtrail.LookupEventsInput{})
	}
	h.clock.Advance(1500 * time.Millisecond)
	_, err := lookup(t, a, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	_, err = lookup(t, b, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)

	var got []RateStats
	getJSON(t, h.url+AdminPrefix+"rates", &got)
	require.Len(t, got, 2)
	assert.Equal(t, RateStats{Account: DefaultAccountID, Region: "us-east-1", Requests: 4, Throttled: 1, MaxInWindow: 3,
		First: t0, Last: t0.Add(1500 * time.Millisecond)}, got[0])
	assert.Equal(t, acctB, got[1].Account)
	assert.Equal(t, 1, got[1].Requests)

	getJSON(t, h.url+AdminPrefix+"rates?window=2s", &got)
	assert.Equal(t, 4, got[0].MaxInWindow)
	getJSON(t, h.url+AdminPrefix+"rates?operation=ListAccounts", &got)
	assert.Empty(t, got)
	status, _ := send(t, http.MethodGet, h.url+AdminPrefix+"rates?window=x", "")
	assert.Equal(t, http.StatusBadRequest, status)
}
