// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuotaThrottlesPerAccountAndRegion(t *testing.T) {
	h := newHarness(t, Options{RequestsPerSecond: 2, Burst: 2, Accounts: map[string]string{"AKIDB": "222222222222"}})
	c := h.client(testAKID)
	in := &cloudtrail.LookupEventsInput{}
	for range 2 {
		_, err := lookup(t, c, in)
		require.NoError(t, err)
	}
	_, err := lookup(t, c, in)
	requireAPIError(t, err, "ThrottlingException")
	var respErr *awshttp.ResponseError
	require.True(t, errors.As(err, &respErr))
	assert.Equal(t, http.StatusBadRequest, respErr.HTTPStatusCode())

	west := h.client(testAKID, func(o *cloudtrail.Options) { o.Region = "us-west-2" })
	_, err = lookup(t, west, in)
	require.NoError(t, err, "another region has its own bucket")
	_, err = lookup(t, h.client("AKIDB"), in)
	require.NoError(t, err, "another account has its own bucket")

	h.clock.Advance(500 * time.Millisecond) // refills one token at 2/s
	_, err = lookup(t, c, in)
	require.NoError(t, err)
	_, err = lookup(t, c, in)
	requireAPIError(t, err, "ThrottlingException")

	assert.Equal(t, 2, h.srv.Stats().Throttled)
	ok := Filter(h.srv.Requests(), func(r RequestRecord) bool {
		return r.Status == http.StatusOK && r.Account == DefaultAccountID && r.Region == "us-east-1"
	})
	assert.Len(t, ok, 3)
	assert.Equal(t, 3, MaxInWindow(ok, time.Second))
	assert.Equal(t, 2, MaxInWindow(ok, 500*time.Millisecond))
}

func TestStandardRetryerRecoversFromThrottling(t *testing.T) {
	h := newHarness(t, Options{RequestsPerSecond: 1, Burst: 1})
	c := h.client(testAKID, func(o *cloudtrail.Options) {
		o.RetryMaxAttempts = 0
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 3
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				h.clock.Advance(time.Second) // the backoff passes on the server's clock
				return 0, nil
			})
		})
	})
	in := &cloudtrail.LookupEventsInput{}
	_, err := lookup(t, c, in)
	require.NoError(t, err)
	_, err = lookup(t, c, in) // bucket empty: throttled once, then retried
	require.NoError(t, err)

	codes := []string{}
	for _, r := range h.srv.Requests() {
		codes = append(codes, r.ErrorCode)
	}
	assert.Equal(t, []string{"", "ThrottlingException", ""}, codes)
	assert.Equal(t, Stats{Requests: 3, Succeeded: 2, Throttled: 1}, h.srv.Stats())
}

func TestUnlimitedQuota(t *testing.T) {
	h := newHarness(t, Options{RequestsPerSecond: -1})
	c := h.client(testAKID)
	for range 20 {
		_, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
		require.NoError(t, err)
	}
	assert.Equal(t, 0, h.srv.Stats().Throttled)
}

func TestQuotaDefaults(t *testing.T) {
	q := New(Options{}).quota
	assert.InDelta(t, DefaultRequestsPerSecond, q.rate, 0)
	assert.InDelta(t, 2, q.burst, 0)
	now := t0
	assert.True(t, q.allow("a", "r", now))
	assert.True(t, q.allow("a", "r", now))
	assert.False(t, q.allow("a", "r", now))
	assert.False(t, q.allow("a", "r", now.Add(-time.Hour)), "a clock going back refills nothing")
	assert.True(t, q.allow("a", "r", now.Add(10*time.Second)))
	assert.True(t, q.allow("a", "r", now.Add(10*time.Second)))
	assert.False(t, q.allow("a", "r", now.Add(10*time.Second)), "refill is capped at the burst")
}

func TestMaxInWindow(t *testing.T) {
	at := func(ms ...int) []RequestRecord {
		var out []RequestRecord
		for _, m := range ms {
			out = append(out, RequestRecord{Time: t0.Add(time.Duration(m) * time.Millisecond)})
		}
		return out
	}
	assert.Equal(t, 0, MaxInWindow(nil, time.Second))
	assert.Equal(t, 3, MaxInWindow(at(0, 400, 999, 1000, 2500), time.Second))
	assert.Equal(t, 2, MaxInWindow(at(1000, 0, 1000), time.Second), "unsorted input, half-open window")
}
