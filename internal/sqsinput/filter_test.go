// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

func TestPeek(t *testing.T) {
	var pk peeker
	tests := []struct {
		record string
		want   RecordInfo
	}{
		{`{"eventID":"e1","eventSource":"s3.amazonaws.com","eventName":"GetObject","readOnly":true}`,
			RecordInfo{"e1", "s3.amazonaws.com", "GetObject", true}},
		{`{"eventID":"e2","readOnly":"true","eventName":"A","eventName":"B"}`, RecordInfo{"e2", "", "B", true}},
		{`{"EventID":"e3","EVENTSOURCE":"iam.amazonaws.com","readOnly":false}`, RecordInfo{"e3", "iam.amazonaws.com", "", false}},
		{`{"eventID":"e4","insightDetails":{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances"}}`,
			RecordInfo{"e4", "ec2.amazonaws.com", "RunInstances", false}},
		{`{"eventID":7,"eventSource":{"x":1},"readOnly":"yes"}`, RecordInfo{}},
	}
	for _, tt := range tests {
		got, err := pk.peek([]byte(tt.record))
		require.NoError(t, err, tt.record)
		assert.Equal(t, tt.want, got, tt.record)
	}
	for _, bad := range []string{``, `[]`, `{"a":}`, `{"eventID":"x"`} {
		_, err := pk.peek([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestFilterWants(t *testing.T) {
	lm := RecordInfo{EventSource: "lookoutmetrics.amazonaws.com", EventName: "ListAlerts", ReadOnly: true}
	ec2 := RecordInfo{EventSource: "ec2.amazonaws.com", EventName: "RunInstances"}
	f := NewFilter([]string{"lookoutmetrics.amazonaws.com"}, nil, poll.ReadOnlyAll)
	assert.True(t, f.Wants(lm))
	assert.False(t, f.Wants(ec2))
	f = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	assert.True(t, f.Wants(lm))
	assert.True(t, f.Wants(ec2))
	f = NewFilter([]string{"*"}, []string{"RunInstances"}, poll.ReadOnlyAll)
	assert.False(t, f.Wants(lm))
	assert.True(t, f.Wants(ec2))
	f = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll).Exclude([]string{"kms.amazonaws.com"})
	assert.False(t, f.Wants(RecordInfo{EventSource: "kms.amazonaws.com", EventName: "Decrypt"}), "exclude_event_sources")
	assert.True(t, f.Wants(RecordInfo{EventSource: "ec2.amazonaws.com", EventName: "RunInstances"}))
	f = NewFilter(nil, nil, poll.ReadOnlyRead)
	assert.True(t, f.Wants(lm))
	assert.False(t, f.Wants(ec2))
	f = NewFilter(nil, nil, poll.ReadOnlyWrite)
	assert.False(t, f.Wants(lm))
	assert.True(t, f.Wants(ec2))
}
