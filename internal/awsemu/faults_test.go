// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestThrottleStormForADuration(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.client(testAKID)
	h.srv.SetFaults(Faults{ThrottleStorm: true, ThrottleStormFor: 10 * time.Second})
	for range 3 {
		_, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
		requireAPIError(t, err, "ThrottlingException")
	}
	assert.True(t, h.srv.ThrottleStormActive())
	h.clock.Advance(10 * time.Second)
	assert.False(t, h.srv.ThrottleStormActive())
	_, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.Equal(t, 3, h.srv.Stats().Throttled)
}

func TestThrottleStormUntilTurnedOff(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.client(testAKID)
	h.srv.SetFaults(Faults{ThrottleStorm: true})
	h.clock.Advance(time.Hour)
	_, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
	requireAPIError(t, err, "ThrottlingException")
	h.srv.SetFaults(Faults{})
	_, err = lookup(t, c, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
}

func TestErrorRateAnswers5xx(t *testing.T) {
	h := newHarness(t, Options{Seed: 3})
	h.srv.SetFaults(Faults{ErrorRate: 1})
	c := h.client(testAKID)
	codes := map[string]int{}
	for range 20 {
		_, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
		var apiErr smithy.APIError
		var respErr *awshttp.ResponseError
		require.True(t, errors.As(err, &apiErr))
		require.True(t, errors.As(err, &respErr))
		codes[apiErr.ErrorCode()] = respErr.HTTPStatusCode()
	}
	assert.Equal(t, map[string]int{"InternalFailure": 500, "ServiceUnavailable": 503}, codes)
	assert.Equal(t, 20, h.srv.Stats().ServerErrors)
}

func TestStandardRetryerRecoversFrom5xx(t *testing.T) {
	h := newHarness(t, Options{Seed: 11})
	h.srv.SetFaults(Faults{ErrorRate: 0.5})
	c := h.client(testAKID, func(o *cloudtrail.Options) {
		o.RetryMaxAttempts = 0
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 20
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	})
	for range 10 {
		_, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
		require.NoError(t, err)
	}
	st := h.srv.Stats()
	assert.Equal(t, 10, st.Succeeded)
	assert.Positive(t, st.ServerErrors)
}

func TestMalformedRateIsPredictablePerEvent(t *testing.T) {
	h := newHarness(t, Options{Seed: 42})
	h.seed(50, t0.Add(-time.Hour), nil)
	h.srv.SetFaults(Faults{MalformedRate: 0.3})
	got, _ := lookupAll(t, h.client(testAKID), &cloudtrail.LookupEventsInput{})
	require.Len(t, got, 50)
	broken := 0
	for _, ev := range got {
		id := aws.ToString(ev.EventId)
		valid := json.Valid([]byte(aws.ToString(ev.CloudTrailEvent)))
		assert.Equal(t, !h.srv.Malformed(id), valid, id)
		if !valid {
			broken++
		}
	}
	assert.Greater(t, broken, 0)
	assert.Less(t, broken, 50)
}

func TestTruncateResponses(t *testing.T) {
	h := newHarness(t, Options{})
	h.seed(5, t0.Add(-time.Hour), nil)
	c := h.client(testAKID)
	h.srv.SetFaults(Faults{TruncateResponses: true})
	_, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
	var deserErr *smithy.DeserializationError
	require.ErrorAs(t, err, &deserErr)
	recs := h.srv.Requests()
	assert.True(t, recs[len(recs)-1].Truncated)
	h.srv.SetFaults(Faults{})
	out, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.Len(t, out.Events, 5)
}

func TestLatencyFault(t *testing.T) {
	h := newHarness(t, Options{MinLatency: -1})
	h.srv.SetFaults(Faults{Latency: 40 * time.Millisecond})
	assert.Equal(t, 40*time.Millisecond, h.srv.Faults().Latency)
	start := time.Now()
	_, err := lookup(t, h.client(testAKID), &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)
}
