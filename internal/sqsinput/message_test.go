// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	keyPlain = "trail logs/team=sec/AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/eu-west-1/2026/12/01/" +
		"123456789012_CloudTrail_eu-west-1_20261201T1205Z_Ab3dEfGh1jKlMn0p.json.gz"
	// keyEventBridge is keyPlain as eventbridge-object-created.json gives it.
	keyEventBridge = "trail%20logs/team%3Dsec/AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/eu-west-1/2026/12/01/" +
		"123456789012_CloudTrail_eu-west-1_20261201T1205Z_Ab3dEfGh1jKlMn0p.json.gz"
	ctKey1 = "AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/eu-west-1/2026/12/01/" +
		"123456789012_CloudTrail_eu-west-1_20261201T1205Z_Ab3dEfGh1jKlMn0p.json.gz"
	ctKey2 = "AWSLogs/o-a1b2c3d4e5/123456789012/CloudTrail/eu-west-1/2026/12/01/" +
		"123456789012_CloudTrail_eu-west-1_20261201T1205Z_Qr5tUvWx7yZaBc9d.json.gz"
	digestKey = "AWSLogs/123456789012/CloudTrail-Digest/eu-west-1/2026/12/01/" +
		"123456789012_CloudTrail-Digest_eu-west-1_trail_eu-west-1_20261201T120531Z.json.gz"
)

func readMessage(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "messages", name))
	require.NoError(t, err)
	return b
}

func TestParseKinds(t *testing.T) {
	bucket := "org-trail-bucket"
	tests := []struct {
		file    string
		kind    Kind
		viaSNS  bool
		objects []Object
	}{
		// S3 event notification 2.1, form-encoded key ('+' is a space, %3D is '=').
		{file: "s3-event.json", kind: KindS3Event, objects: []Object{{bucket, keyPlain, "eu-west-1", ""}}},
		// The same through SNS without raw delivery (with raw delivery the body is s3-event.json).
		{file: "s3-event-sns.json", kind: KindS3Event, viaSNS: true, objects: []Object{{bucket, keyPlain, "eu-west-1", ""}}},
		// A removal is skipped, a multipart creation kept (a digest: the reader skips it by key).
		{file: "s3-event-mixed.json", kind: KindS3Event, objects: []Object{{bucket, digestKey, "eu-west-1", ""}}},
		{file: "s3-test-event.json", kind: KindTestEvent},
		{file: "s3-test-event-sns.json", kind: KindTestEvent, viaSNS: true},
		// CloudTrail's own notification: keys as they are (not encoded), bucket region unknown.
		{file: "cloudtrail-sns.json", kind: KindCloudTrailNotification, viaSNS: true,
			objects: []Object{{bucket, ctKey1, "", ""}, {bucket, ctKey2, "", ""}}},
		{file: "cloudtrail-sns-raw.json", kind: KindCloudTrailNotification,
			objects: []Object{{bucket, ctKey1, "", ""}, {bucket, ctKey2, "", ""}}},
		// EventBridge keys are URL-encoded too (here as S3 writes them to EventBridge: a
		// space is %20).
		{file: "eventbridge-object-created.json", kind: KindEventBridgeObject, objects: []Object{{bucket, keyPlain, "eu-west-1", keyEventBridge}}},
		{file: "eventbridge-api-call.json", kind: KindEventBridgeRecord},
		{file: "eventbridge-console-sign-in.json", kind: KindEventBridgeRecord},
		{file: "eventbridge-service-event.json", kind: KindEventBridgeRecord},
		{file: "eventbridge-insight.json", kind: KindEventBridgeRecord},
		{file: "eventbridge-other.json", kind: KindUnknown},
		{file: "sns-subscription-confirmation.json", kind: KindUnknown},
		{file: "not-json.txt", kind: KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m := Parse(readMessage(t, tt.file))
			assert.Equal(t, tt.kind.String(), m.Kind.String())
			assert.Equal(t, tt.viaSNS, m.ViaSNS)
			assert.Equal(t, tt.objects, m.Objects)
			if tt.kind == KindEventBridgeRecord {
				assert.NotEmpty(t, m.Record)
			} else {
				assert.Nil(t, m.Record)
			}
		})
	}
}

// The record of an EventBridge CloudTrail event is the detail's bytes exactly: spacing,
// key order and escapes as EventBridge sent them.
func TestParseEventBridgeDetailByteExact(t *testing.T) {
	m := Parse(readMessage(t, "eventbridge-api-call.json"))
	require.Equal(t, KindEventBridgeRecord, m.Kind)
	assert.Equal(t, string(readMessage(t, "api-call-detail.json")), string(m.Record))
}

func TestParseHostileBodies(t *testing.T) {
	for _, body := range []string{
		``, `null`, `[]`, `"s"`, `{"Records":null}`, `{"Records":"x"}`, `{"Records":[{"s3":7}]}`,
		`{"Type":"Notification","Message":"{\"Type\":\"Notification\",\"Message\":\"{\\\"Event\\\":\\\"s3:TestEvent\\\"}\"}"}`,
		`{"detail-type":"AWS API Call via CloudTrail","detail":"a string"}`,
		`{"detail-type":"AWS API Call via CloudTrail","detail":null}`,
		`{"detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"b"}}}`,
		`{"s3Bucket":"b","s3ObjectKey":[]}`,
		`{"s3Bucket":"b","s3ObjectKey":"k"}`,
	} {
		m := Parse([]byte(body))
		assert.Empty(t, m.Objects, body)
		if m.Kind != KindS3Event { // an S3 event without created objects names nothing
			assert.Equal(t, KindUnknown, m.Kind, body)
		}
	}
}

func TestDecodeKey(t *testing.T) {
	assert.Equal(t, "a b/c=d+e", DecodeKey("a+b/c%3Dd%2Be"))
	assert.Equal(t, "bad%zz", DecodeKey("bad%zz"), "an invalid escape leaves the key as it is")
	assert.Equal(t, "AWSLogs/1/CloudTrail/x.json.gz", DecodeKey("AWSLogs/1/CloudTrail/x.json.gz"))
}

// An EventBridge "Object Created" key is URL-encoded like the key of an S3 event
// notification: '+' is a space, %2B a '+', and UTF-8 is percent-encoded.
func TestParseEventBridgeObjectKeyDecoded(t *testing.T) {
	body := `{"version":"0","detail-type":"Object Created","source":"aws.s3","region":"eu-west-1",` +
		`"detail":{"bucket":{"name":"b"},"object":{"key":"a+b%2Bc/%C3%A9t%C3%A9%20x"}}}`
	m := Parse([]byte(body))
	require.Equal(t, KindEventBridgeObject, m.Kind)
	assert.Equal(t, []Object{{"b", "a b+c/été x", "eu-west-1", "a+b%2Bc/%C3%A9t%C3%A9%20x"}}, m.Objects)
}

// A message that names the same object twice (S3 retried a notification into one
// batch, or CloudTrail listed a key twice) reads it once.
func TestParseNamesEachObjectOnce(t *testing.T) {
	rec := func(key string) string {
		return `{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","awsRegion":"eu-west-1","s3":{"bucket":{"name":"b"},"object":{"key":"` + key + `"}}}`
	}
	m := Parse([]byte(`{"Records":[` + rec("a+b") + `,` + rec("c") + `,` + rec("a%20b") + `]}`))
	assert.Equal(t, []Object{{"b", "a b", "eu-west-1", ""}, {"b", "c", "eu-west-1", ""}}, m.Objects)
	m = Parse([]byte(`{"s3Bucket":"b","s3ObjectKey":["k1","k2","k1"]}`))
	assert.Equal(t, []Object{{"b", "k1", "", ""}, {"b", "k2", "", ""}}, m.Objects)
}
