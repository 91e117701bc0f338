// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func decodeRecord(t *testing.T, ev Event) map[string]any {
	t.Helper()
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(ev.CloudTrailEvent), &rec))
	return rec
}

func TestNewRecordIAMUserIsConsistent(t *testing.T) {
	at := time.Date(2026, 2, 3, 4, 5, 6, 789, time.FixedZone("x", 3600))
	ev := NewRecord(RecordSpec{EventTime: at, ReadOnly: true, Username: "alice", AccessKeyID: "AKIAALICE",
		EventName: "GetObject", EventSource: "s3.amazonaws.com", Region: "eu-west-1",
		RequestParameters: map[string]any{"bucketName": "b"}, DeliveryDelay: 5 * time.Minute})
	rec := decodeRecord(t, ev)
	assert.Regexp(t, uuidRE, ev.EventID)
	assert.Equal(t, ev.EventID, rec["eventID"])
	assert.Regexp(t, uuidRE, rec["requestID"])
	assert.Equal(t, "1.09", rec["eventVersion"])
	assert.Equal(t, "2026-02-03T03:05:06Z", rec["eventTime"], "RFC 3339, seconds, UTC")
	assert.True(t, ev.EventTime.Equal(time.Date(2026, 2, 3, 3, 5, 6, 0, time.UTC)))
	assert.Equal(t, ev.EventTime.Add(5*time.Minute), ev.VisibleAt)
	assert.Equal(t, "GetObject", rec["eventName"])
	assert.Equal(t, "s3.amazonaws.com", rec["eventSource"])
	assert.Equal(t, "eu-west-1", rec["awsRegion"])
	assert.Equal(t, true, rec["readOnly"])
	assert.Equal(t, "AwsApiCall", rec["eventType"])
	assert.Equal(t, true, rec["managementEvent"])
	assert.Equal(t, "Management", rec["eventCategory"])
	assert.Equal(t, DefaultAccountID, rec["recipientAccountId"])
	assert.Equal(t, map[string]any{"bucketName": "b"}, rec["requestParameters"])
	assert.Nil(t, rec["responseElements"])
	assert.NotContains(t, rec, "errorCode")
	for _, k := range []string{"sourceIPAddress", "userAgent"} {
		assert.NotEmpty(t, rec[k], k)
	}
	id := rec["userIdentity"].(map[string]any)
	assert.Equal(t, "IAMUser", id["type"])
	assert.Equal(t, "alice", id["userName"])
	assert.Equal(t, "AKIAALICE", id["accessKeyId"])
	assert.Equal(t, DefaultAccountID, id["accountId"])
	assert.Equal(t, "arn:aws:iam::123456789012:user/alice", id["arn"])
	assert.Regexp(t, `^AIDA[A-Z2-7]{17}$`, id["principalId"])
	assert.Equal(t, "alice", ev.Username)
	assert.Equal(t, "AKIAALICE", ev.AccessKeyID)
	assert.True(t, ev.ReadOnly)
}

func TestNewRecordAssumedRoleAndError(t *testing.T) {
	ev := NewRecord(RecordSpec{IdentityType: IdentityAssumedRole, Username: "deploy-session",
		RoleName: "Deployer", Account: "111122223333", ErrorCode: "AccessDenied", ErrorMessage: "no"})
	rec := decodeRecord(t, ev)
	id := rec["userIdentity"].(map[string]any)
	assert.Equal(t, "AssumedRole", id["type"])
	assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/Deployer/deploy-session", id["arn"])
	assert.Regexp(t, `^AROA[A-Z2-7]{17}:deploy-session$`, id["principalId"])
	assert.Equal(t, ev.AccessKeyID, id["accessKeyId"])
	assert.Regexp(t, `^ASIA`, ev.AccessKeyID)
	assert.NotContains(t, id, "userName")
	issuer := id["sessionContext"].(map[string]any)["sessionIssuer"].(map[string]any)
	assert.Equal(t, "arn:aws:iam::111122223333:role/Deployer", issuer["arn"])
	assert.Equal(t, "Deployer", issuer["userName"])
	assert.Equal(t, "deploy-session", ev.Username)
	assert.Equal(t, "AccessDenied", rec["errorCode"])
	assert.Equal(t, "no", rec["errorMessage"])
	assert.Equal(t, "111122223333", ev.Account)
	assert.Equal(t, "111122223333", rec["recipientAccountId"])
}

func TestNewRecordRootAndResources(t *testing.T) {
	ev := NewRecord(RecordSpec{IdentityType: IdentityRoot, Resources: []Resource{
		{"AWS::S3::Bucket", "arn:aws:s3:::logs"}, {"AWS::EC2::Instance", "i-0abc"}}})
	rec := decodeRecord(t, ev)
	id := rec["userIdentity"].(map[string]any)
	assert.Equal(t, "Root", id["type"])
	assert.Equal(t, "arn:aws:iam::123456789012:root", id["arn"])
	assert.Equal(t, "root", ev.Username)
	assert.Len(t, ev.Resources, 2)
	res := rec["resources"].([]any)
	require.Len(t, res, 1, "only ARNs go into the record's resources")
	assert.Equal(t, "arn:aws:s3:::logs", res[0].(map[string]any)["ARN"])
}

func TestNewInsightRecord(t *testing.T) {
	ev := NewInsightRecord(RecordSpec{EventName: "PutObject", EventSource: "s3.amazonaws.com"})
	rec := decodeRecord(t, ev)
	assert.True(t, ev.Insight)
	assert.Equal(t, ev.EventID, rec["eventID"])
	assert.Equal(t, "AwsCloudTrailInsight", rec["eventType"])
	assert.Equal(t, "Insight", rec["eventCategory"])
	details := rec["insightDetails"].(map[string]any)
	assert.Equal(t, "PutObject", details["eventName"])
	assert.Equal(t, "ApiCallRateInsight", details["insightType"])
	assert.Empty(t, ev.Username)
}

// A lazy record is the same event: LookupEvents returns the JSON NewRecord builds, and
// the malformed-record fault still cuts it.
func TestLazyRecordIsTheSameRecord(t *testing.T) {
	spec := RecordSpec{EventTime: t0.Add(-time.Minute), EventID: "11111111-2222-4333-8444-555555555555",
		RequestID: "66666666-7777-4888-9999-000000000000", IdentityType: IdentityAssumedRole, Username: "s",
		RequestParametersJSON: json.RawMessage(`{"detectorArn":"arn:x"}`), ErrorCode: "AccessDenied",
		ErrorMessage: "no", Resources: []Resource{{"AWS::LookoutMetrics::AnomalyDetector", "arn:aws:lookoutmetrics:x"}}}
	eager, lazy := NewRecord(spec), NewLazyRecord(spec)
	want := eager.CloudTrailEvent
	assert.Empty(t, lazy.CloudTrailEvent, "nothing built up front")
	assert.Equal(t, want, lazy.Record())
	assert.Equal(t, want, eager.Record())
	lazy.lazy, eager.CloudTrailEvent = nil, ""
	assert.Equal(t, eager, lazy, "every other field as NewRecord sets it")

	h := newHarness(t, Options{})
	h.srv.Store().Add(NewLazyRecord(spec))
	out, err := lookup(t, h.client(testAKID), &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	assert.Equal(t, want, aws.ToString(out.Events[0].CloudTrailEvent))

	h.srv.SetFaults(Faults{MalformedRate: 1})
	out, err = lookup(t, h.client(testAKID), &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	assert.Equal(t, malform(want), aws.ToString(out.Events[0].CloudTrailEvent))
}
