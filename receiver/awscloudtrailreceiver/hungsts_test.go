// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// An STS endpoint that takes the connection and never answers (a black-holed VPC
// endpoint, a stuck proxy) must fail the role's credentials, not hang them: the SDK's
// credentials cache ignores the caller's cancellation while it fetches, so without a
// timeout of its own one hung AssumeRole would hold every later refresh of that account
// (inside LookupEvents, whose context has no deadline) for good, and nothing would report
// it.
func TestHungSTSFailsTheCredentialsInsteadOfHanging(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	defer func(d time.Duration) { awsCallTimeout = d }(awsCallTimeout)
	awsCallTimeout = 200 * time.Millisecond

	cfg := createDefaultConfig().(*Config)
	cfg.RoleARN = "arn:aws:iam::123456789012:role/reader"
	awsCfg, err := loadAWSConfig(context.Background(), cfg, "us-east-1")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := awsCfg.Credentials.Retrieve(context.Background())
		done <- err
	}()
	select {
	case err := <-done:
		require.Error(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("AssumeRole against a hung STS never returned")
	}
}
