// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A region an account has not enabled refuses that account only, in that region only.
func TestRegionNotEnabledForOneAccount(t *testing.T) {
	h := newHarness(t, Options{Accounts: map[string]string{"AKIDA": acctA, "AKIDB": acctB}})
	h.srv.SetRegionEnabled(acctA, "eu-south-1", false)
	ct := func(akid, region string) error {
		_, err := h.client(akid, func(o *cloudtrail.Options) { o.Region = region }).
			LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
		return err
	}
	gci := func(akid, region string) error {
		_, err := h.stsClient(akid, region).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		return err
	}
	requireAPIError(t, ct("AKIDA", "eu-south-1"), "UnrecognizedClientException")
	requireAPIError(t, gci("AKIDA", "eu-south-1"), "RegionDisabledException")
	require.NoError(t, ct("AKIDA", "us-east-1"), "the account's other regions")
	require.NoError(t, ct("AKIDB", "eu-south-1"), "other accounts in the region")
	require.NoError(t, gci("AKIDB", "eu-south-1"))
	rec := h.srv.Requests()[0]
	assert.Equal(t, "LookupEvents", rec.Operation)
	assert.Equal(t, 400, rec.Status)

	h.srv.SetRegionEnabled(acctA, "eu-south-1", true)
	require.NoError(t, ct("AKIDA", "eu-south-1"))
	require.NoError(t, gci("AKIDA", "eu-south-1"))
}
