// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorkloadCoversAllOperationsAndIsRecorded(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	calls, err := RunWorkload(bg, WorkloadOptions{Endpoint: h.url, Calls: 300, Seed: 1})
	require.NoError(t, err)
	require.Len(t, calls, 300)

	ops, codes, identities := map[string]bool{}, map[string]int{}, map[string]bool{}
	for _, c := range calls {
		ops[c.Operation] = true
		require.NotEmpty(t, c.RequestID, "%s: the client saw a request ID", c.Operation)
		ev, rec := recordOf(t, h.srv.Store(), c.RequestID)
		assert.Equal(t, c.Operation, ev.EventName)
		assert.Equal(t, c.AccessKeyID, ev.AccessKeyID)
		assert.Equal(t, isReadOnlyOperation(c.Operation), ev.ReadOnly, c.Operation)
		identities[rec["userIdentity"].(map[string]any)["type"].(string)] = true
		if c.Err == nil {
			assert.NotContains(t, rec, "errorCode", c.Operation)
			continue
		}
		var apiErr smithy.APIError
		require.True(t, errors.As(c.Err, &apiErr), "%v", c.Err)
		codes[apiErr.ErrorCode()]++
		assert.Equal(t, cloudTrailErrorCode(apiErr.ErrorCode()), rec["errorCode"])
	}
	assert.ElementsMatch(t, LookoutMetricsOperations(), keys(ops), "all 30 operations")
	for _, code := range []string{"ResourceNotFoundException", "ValidationException", "AccessDeniedException",
		"ConflictException"} {
		assert.Positive(t, codes[code], code)
	}
	assert.Equal(t, map[string]bool{"IAMUser": true, "AssumedRole": true, "Root": true}, identities)
	assert.Len(t, h.srv.Store().All(), 300, "one CloudTrail record per call")
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestWorkloadIsPacedByRateAndDuration(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	var sleeps []time.Duration
	calls, err := RunWorkload(bg, WorkloadOptions{Endpoint: h.url, Rate: 10, Duration: 2 * time.Second,
		Clock: h.clock.Now, Sleep: func(_ context.Context, d time.Duration) {
			if d > 0 {
				sleeps = append(sleeps, d)
				h.clock.Advance(d)
			}
		}})
	require.NoError(t, err)
	assert.Len(t, calls, 20, "10 calls/s for 2 s")
	assert.Len(t, sleeps, 20)
	for _, d := range sleeps {
		assert.Equal(t, 100*time.Millisecond, d)
	}
	assert.Equal(t, t0.Add(2*time.Second), h.clock.Now())
}

func TestWorkloadRunsUntilCancelled(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	ctx, cancel := context.WithCancel(bg)
	n := 0
	calls, err := RunWorkload(ctx, WorkloadOptions{Endpoint: h.url, OnCall: func(c WorkloadCall) {
		if n++; n == 25 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, calls, "OnCall receives the calls")
	assert.Equal(t, 25, n)

	_, err = RunWorkload(bg, WorkloadOptions{})
	require.Error(t, err, "Endpoint is required")
}

func TestSummarize(t *testing.T) {
	sum := Summarize([]WorkloadCall{{Operation: "A"}, {Operation: "A", Err: errors.New("x")}, {Operation: "B"}})
	assert.Equal(t, WorkloadSummary{Calls: 3, Errors: 1, ByOperation: map[string]int{"A": 2, "B": 1}}, sum)
}
