// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteCallIsRecorded(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	out, err := h.lm(aliceKey).CreateAnomalyDetector(bg, &lm.CreateAnomalyDetectorInput{
		AnomalyDetectorName:   aws.String("revenue"),
		AnomalyDetectorConfig: &types.AnomalyDetectorConfig{AnomalyDetectorFrequency: types.FrequencyPt1h},
	})
	require.NoError(t, err)
	reqID := requestID(t, out.ResultMetadata)
	ev, rec := recordOf(t, h.srv.Store(), reqID)

	assert.Equal(t, "1.08", rec["eventVersion"])
	assert.Equal(t, reqID, rec["requestID"])
	assert.Regexp(t, uuidRE, rec["eventID"])
	assert.Equal(t, ev.EventID, rec["eventID"])
	assert.Equal(t, awsemu.LookoutMetricsEventSource, rec["eventSource"])
	assert.Equal(t, "CreateAnomalyDetector", rec["eventName"])
	assert.Equal(t, "2026-03-01T12:00:00Z", rec["eventTime"], "the server clock at the call")
	assert.Equal(t, "us-east-1", rec["awsRegion"])
	assert.Equal(t, awsemu.DefaultAccountID, rec["recipientAccountId"])
	assert.Equal(t, false, rec["readOnly"])
	assert.Equal(t, "127.0.0.1", rec["sourceIPAddress"])
	assert.Contains(t, rec["userAgent"], "aws-sdk-go-v2/")
	assert.Equal(t, map[string]any{"AnomalyDetectorName": "revenue",
		"AnomalyDetectorConfig": map[string]any{"AnomalyDetectorFrequency": "PT1H"}}, rec["requestParameters"])
	assert.Equal(t, map[string]any{"AnomalyDetectorArn": aws.ToString(out.AnomalyDetectorArn)}, rec["responseElements"])
	assert.NotContains(t, rec, "errorCode")
	id := rec["userIdentity"].(map[string]any)
	assert.Equal(t, "IAMUser", id["type"])
	assert.Equal(t, "alice", id["userName"])
	assert.Equal(t, aliceKey, id["accessKeyId"])

	assert.Equal(t, "alice", ev.Username)
	assert.Equal(t, aliceKey, ev.AccessKeyID)
	assert.False(t, ev.ReadOnly)
	assert.Equal(t, []awsemu.Resource{{ResourceType: "AWS::LookoutMetrics::AnomalyDetector",
		ResourceName: aws.ToString(out.AnomalyDetectorArn)}}, ev.Resources)
}

func TestReadCallsAndIdentities(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	for key, want := range map[string]map[string]any{
		deployKey:      {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/LookoutMetricsDeployer/ci-deploy"},
		rootKey:        {"type": "Root", "arn": "arn:aws:iam::123456789012:root"},
		"AKIAUNKNOWN1": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/user-akiaunknown1"},
	} {
		out, err := h.lm(key).ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{MaxResults: aws.Int32(5)})
		require.NoError(t, err)
		ev, rec := recordOf(t, h.srv.Store(), requestID(t, out.ResultMetadata))
		assert.Equal(t, true, rec["readOnly"], key)
		assert.True(t, ev.ReadOnly)
		assert.Nil(t, rec["responseElements"], "reads record no response")
		assert.Equal(t, map[string]any{"MaxResults": 5.0}, rec["requestParameters"])
		id := rec["userIdentity"].(map[string]any)
		assert.Equal(t, want["type"], id["type"], key)
		assert.Equal(t, want["arn"], id["arn"], key)
		if key == deployKey {
			assert.Contains(t, id, "sessionContext")
			assert.Equal(t, "ci-deploy", ev.Username)
		}
	}
}

func TestFailedCallsAreRecorded(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	_, err := h.lm(awsemu.DeniedAccessKeyID).DeleteAnomalyDetector(bg, &lm.DeleteAnomalyDetectorInput{
		AnomalyDetectorArn: aws.String("arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:x")})
	require.Error(t, err)
	_, rec := recordOf(t, h.srv.Store(), responseRequestID(t, err))
	assert.Equal(t, "AccessDenied", rec["errorCode"], "CloudTrail's code for AccessDeniedException")
	assert.Contains(t, rec["errorMessage"], "is not authorized to perform: lookoutmetrics:DeleteAnomalyDetector")
	assert.Nil(t, rec["responseElements"])
	assert.Equal(t, "mallory", rec["userIdentity"].(map[string]any)["userName"])

	_, err = h.lm(aliceKey).DescribeAlert(bg, &lm.DescribeAlertInput{
		AlertArn: aws.String("arn:aws:lookoutmetrics:us-east-1:123456789012:Alert:gone")})
	require.Error(t, err)
	_, rec = recordOf(t, h.srv.Store(), responseRequestID(t, err))
	assert.Equal(t, "ResourceNotFoundException", rec["errorCode"])
	assert.Equal(t, "DescribeAlert", rec["eventName"])
}

func TestTagCallsRecordPathParameters(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	arn := createDetector(t, c, "t")
	out, err := c.UntagResource(bg, &lm.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"team", "env"}})
	require.NoError(t, err)
	_, rec := recordOf(t, h.srv.Store(), requestID(t, out.ResultMetadata))
	params := rec["requestParameters"].(map[string]any)
	assert.Equal(t, arn, params["ResourceArn"])
	assert.ElementsMatch(t, []any{"team", "env"}, params["TagKeys"], "the query's tagKeys")
	assert.Nil(t, rec["responseElements"], "an empty response is recorded as null")
}

func TestDeliveryDelayOnTheFakeClock(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	out, err := h.lm(aliceKey).ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
	require.NoError(t, err)
	reqID := requestID(t, out.ResultMetadata)
	ct := h.client(aliceKey)
	in := &cloudtrail.LookupEventsInput{LookupAttributes: attr(cttypes.LookupAttributeKeyEventSource,
		awsemu.LookoutMetricsEventSource)}

	h.clock.Advance(5*time.Minute - time.Second)
	got, _ := lookupAll(t, ct, in)
	assert.Empty(t, got, "not delivered yet")
	h.clock.Advance(time.Second)
	got, _ = lookupAll(t, ct, in)
	require.Len(t, got, 1)
	assert.Equal(t, "ListAnomalyDetectors", aws.ToString(got[0].EventName))
	assert.Equal(t, "alice", aws.ToString(got[0].Username))
	assert.Contains(t, aws.ToString(got[0].CloudTrailEvent), `"requestID":"`+reqID+`"`)
}

func TestDefaultDeliveryDelayIsTwoToEightMinutes(t *testing.T) {
	h := newHarness(t, awsemu.Options{Seed: 9})
	c := h.lm(aliceKey)
	for range 40 {
		_, err := c.ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
		require.NoError(t, err)
	}
	delays := map[time.Duration]bool{}
	for _, ev := range h.srv.Store().All() {
		d := ev.VisibleAt.Sub(ev.EventTime)
		assert.GreaterOrEqual(t, d, 2*time.Minute)
		assert.LessOrEqual(t, d, 8*time.Minute)
		delays[d] = true
	}
	assert.Greater(t, len(delays), 30, "drawn at random")
}

func TestLateDeliveryKnob(t *testing.T) {
	h := lmHarness(t, awsemu.Options{Seed: 4})
	c := h.lm(aliceKey)
	h.srv.SetFaults(awsemu.Faults{LateDeliveryRate: 1, LateDeliveryExtra: time.Hour})
	_, err := c.ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
	require.NoError(t, err)
	h.srv.SetFaults(awsemu.Faults{LateDeliveryRate: 0.5})
	for range 40 {
		_, err := c.ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
		require.NoError(t, err)
	}
	delays := map[time.Duration]int{}
	for _, ev := range h.srv.Store().All() {
		delays[ev.VisibleAt.Sub(ev.EventTime)]++
	}
	assert.Equal(t, 1, delays[5*time.Minute+time.Hour], "LateDeliveryExtra")
	assert.Greater(t, delays[5*time.Minute+awsemu.DefaultLateDeliveryExtra], 5, "some late by the default extra")
	assert.Greater(t, delays[5*time.Minute], 5, "others on time")
	assert.Equal(t, 41, delays[5*time.Minute]+delays[5*time.Minute+awsemu.DefaultLateDeliveryExtra]+1)
}

func TestErrorRateAndLatencyApplyToLookoutMetrics(t *testing.T) {
	h := lmHarness(t, awsemu.Options{Seed: 3, MinLatency: -1})
	c := h.lm(aliceKey)
	h.srv.SetFaults(awsemu.Faults{ErrorRate: 1})
	statuses := map[int]bool{}
	for range 12 {
		_, err := c.ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
		require.Error(t, err)
		statuses[httpStatus(t, err)] = true
		var ise *types.InternalServerException
		if httpStatus(t, err) == 500 {
			require.ErrorAs(t, err, &ise)
		}
		_, rec := recordOf(t, h.srv.Store(), responseRequestID(t, err))
		assert.Contains(t, []any{"InternalServerException", "ServiceUnavailable"}, rec["errorCode"])
	}
	assert.Equal(t, map[int]bool{500: true, 503: true}, statuses)

	h.srv.SetFaults(awsemu.Faults{Latency: 30 * time.Millisecond})
	start := time.Now()
	_, err := c.ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
}
