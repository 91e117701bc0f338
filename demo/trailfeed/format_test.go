// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package trailfeed

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput"
)

// A record with characters that a JSON encoder escapes by default (<, >, &) and
// non-canonical spacing: the detail must keep it byte for byte.
const apiCallRecord = `{"eventVersion":"1.08", "eventTime":"2026-12-01T16:00:01Z","eventSource":"lookoutmetrics.amazonaws.com",` +
	`"eventName":"ListAnomalyDetectors","awsRegion":"eu-west-1","userAgent":"a<b>&c","eventID":"e-1",` +
	`"eventType":"AwsApiCall","recipientAccountId":"111122223333","eventCategory":"Management"}`

func TestEventBridgeEventEnvelope(t *testing.T) {
	for _, tc := range []struct {
		name, record, detailType, source string
	}{
		{"api call", apiCallRecord, "AWS API Call via CloudTrail", "aws.lookoutmetrics"},
		{"sign-in", `{"eventTime":"2026-12-01T16:00:02Z","eventSource":"signin.amazonaws.com","eventType":"AwsConsoleSignIn","eventCategory":"Management"}`,
			"AWS Console Sign In via CloudTrail", "aws.signin"},
		{"service event", `{"eventTime":"2026-12-01T16:00:03Z","eventSource":"kms.amazonaws.com","eventType":"AwsServiceEvent","eventCategory":"Management"}`,
			"AWS Service Event via CloudTrail", "aws.kms"},
		{"insight", `{"eventTime":"2026-12-01T16:00:04Z","eventType":"AwsCloudTrailInsight","eventCategory":"Insight"}`,
			"AWS Insight via CloudTrail", "aws.cloudtrail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := EventBridgeEvent("111122223333", "eu-west-1", []byte(tc.record))
			require.NoError(t, err)
			var env map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(msg, &env), string(msg))
			var h recordHead
			require.NoError(t, json.Unmarshal([]byte(tc.record), &h))
			want := map[string]string{"version": `"0"`, "detail-type": `"` + tc.detailType + `"`, "source": `"` + tc.source + `"`,
				"account": `"111122223333"`, "time": `"` + h.EventTime + `"`, "region": `"eu-west-1"`, "resources": `[]`}
			for k, v := range want {
				assert.Equal(t, v, string(env[k]), k)
			}
			assert.Regexp(t, `^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$`, string(env["id"]))
			assert.Len(t, env, 9, "no member beyond AWS's")
			assert.Equal(t, tc.record, string(env["detail"]), "detail is the record byte for byte")
			order := regexp.MustCompile(`^\{"version":.*,"id":.*,"detail-type":.*,"source":.*,"account":.*,"time":.*,"region":.*,"resources":\[\],"detail":\{`)
			assert.Regexp(t, order, string(msg), "AWS's member order")

			// The receiver's SQS input reads it as a CloudTrail EventBridge event.
			m := sqsinput.Parse(msg)
			assert.Equal(t, sqsinput.KindEventBridgeRecord, m.Kind)
			assert.Equal(t, tc.record, string(m.Record))
		})
	}
	_, err := EventBridgeEvent("1", "r", []byte(`{"eventTime":`))
	assert.Error(t, err, "a broken record")
}

func TestTrailKey(t *testing.T) {
	at := time.Date(2026, 12, 1, 16, 5, 59, 0, time.FixedZone("x", 3600))
	k := TrailKey("111122223333", "eu-west-1", at)
	assert.Regexp(t, `^AWSLogs/111122223333/CloudTrail/eu-west-1/2026/12/01/111122223333_CloudTrail_eu-west-1_20261201T1505Z_[A-Za-z0-9]{16}\.json\.gz$`, k)
	assert.NotEqual(t, k, TrailKey("111122223333", "eu-west-1", at), "two files of one minute differ")
}

func TestTrailFile(t *testing.T) {
	recs := [][]byte{[]byte(apiCallRecord), []byte(`{"eventID":"e-2"}`)}
	gz, err := TrailFile(recs)
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, `{"Records":[`+apiCallRecord+`,{"eventID":"e-2"}]}`, string(plain))

	gz, err = TrailFile(nil)
	require.NoError(t, err)
	zr, err = gzip.NewReader(bytes.NewReader(gz))
	require.NoError(t, err)
	plain, err = io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, `{"Records":[]}`, string(plain))
}

func TestS3EventNotification(t *testing.T) {
	key := "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/12/01/a b+c:d~é.json.gz"
	at := time.Date(2026, 12, 1, 16, 5, 0, 123e6, time.UTC)
	body, err := S3EventNotification(ObjectCreated{Bucket: "trail", Key: key, Region: "us-east-1", Size: 321,
		ETag: `"0123abcd"`, Sequencer: "0055AED6DCD90281E5", Time: at, SourceIP: "127.0.0.1"})
	require.NoError(t, err)
	var n struct {
		Records []map[string]json.RawMessage
	}
	require.NoError(t, json.Unmarshal(body, &n))
	require.Len(t, n.Records, 1)
	r := n.Records[0]
	assert.JSONEq(t, `"2.1"`, string(r["eventVersion"]))
	assert.JSONEq(t, `"aws:s3"`, string(r["eventSource"]))
	assert.JSONEq(t, `"us-east-1"`, string(r["awsRegion"]))
	assert.JSONEq(t, `"2026-12-01T16:05:00.123Z"`, string(r["eventTime"]))
	assert.JSONEq(t, `"ObjectCreated:Put"`, string(r["eventName"]))
	assert.JSONEq(t, `{"sourceIPAddress":"127.0.0.1"}`, string(r["requestParameters"]))
	assert.Contains(t, string(r["responseElements"]), `"x-amz-request-id":`)
	assert.Contains(t, string(r["userIdentity"]), `"principalId":`)
	assert.JSONEq(t, `{"s3SchemaVersion":"1.0","configurationId":"cloudtrail-log-files",
		"bucket":{"name":"trail","ownerIdentity":{"principalId":"A3NL1KOZZKEXAMPLE"},"arn":"arn:aws:s3:::trail"},
		"object":{"key":"AWSLogs/111122223333/CloudTrail/eu-west-1/2026/12/01/a+b%2Bc%3Ad~%C3%A9.json.gz","size":321,
		"eTag":"0123abcd","sequencer":"0055AED6DCD90281E5"}}`, string(r["s3"]))

	m := sqsinput.Parse(body)
	require.Equal(t, sqsinput.KindS3Event, m.Kind)
	require.Len(t, m.Objects, 1)
	assert.Equal(t, sqsinput.Object{Bucket: "trail", Key: key, Region: "us-east-1"}, m.Objects[0], "the key decodes to itself")
	assert.True(t, strings.HasPrefix(EncodeKey("a/b c"), "a/b+c"))
}
