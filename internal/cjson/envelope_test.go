// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every EventBridge-delivered record of the corpus comes out of its envelope byte for byte.
func TestEnvelopeDetailByteExact(t *testing.T) {
	recs := corpus(t, "*-eventbridge-detail.ndjson")
	require.NotEmpty(t, recs)
	for _, rec := range recs {
		env := `{"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",` +
			` "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3", "account": "111122223333",` +
			` "time": "2020-02-27T15:25:49Z", "region": "us-east-1", "resources": [],` + "\n  \"detail\" :  " + string(rec) + "\n}"
		got, err := EnvelopeDetail([]byte(env))
		require.NoError(t, err)
		require.Equal(t, string(rec), string(got))
	}
}

func TestEnvelopeDetailRefuses(t *testing.T) {
	for in, msg := range map[string]string{
		`{"detail-type":"x"}`:          "no detail",
		`{"detail":"{}"}`:              "not a JSON object",
		`{"detail":{"a":1}`:            "invalid JSON",
		`[{"detail":{}}]`:              "not a JSON object",
		`{"detail":{"a":1}} trailing`:  "invalid JSON",
		`{"detail":null,"detail":[1]}`: "not a JSON object",
	} {
		_, err := EnvelopeDetail([]byte(in))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), msg, in)
	}
	got, err := EnvelopeDetail([]byte(`{"Detail":{"a":1},"detail":{"b":2},"detail":{"c":3}}`))
	require.NoError(t, err)
	assert.Equal(t, `{"c":3}`, string(got), "exactly, the last of repeated keys, as the translator reads")
	got, err = EnvelopeDetail([]byte(`{"DETAIL":{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`))
	require.NoError(t, err)
	assert.Equal(t, `{"a":`+strings.Repeat("[", 100)+strings.Repeat("]", 100)+`}`, string(got))
}
