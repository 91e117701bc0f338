// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventVersion is a string: "1.10" stays "1.10" (as a float it would read 1.1, older than
// "1.9").
func TestEventVersionsStayStrings(t *testing.T) {
	for _, v := range []string{"1.9", "1.10", "1.11", "1.0"} {
		rec := fmt.Sprintf(`{"eventVersion":%q,"eventID":"e-%s","eventTime":"2026-11-01T00:00:00Z"}`, v, v)
		b := NewBatch(Options{})
		require.NoError(t, b.Add([]byte(rec), time.Time{}, time.Now()))
		lr := b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
		got, ok := lr.Attributes().Get(AttrEventVersion)
		require.True(t, ok)
		assert.Equal(t, v, got.Str())
	}
}

// A record with 100 KB of requestParameters (CloudTrail's upper bound) keeps them all, in
// the map attribute and in the raw body.
func TestHugeRequestParameters(t *testing.T) {
	params := map[string]any{}
	for i := 0; len(mustJSON(t, params)) < 100<<10; i++ {
		params[fmt.Sprintf("key%05d", i)] = strings.Repeat("v", 90)
	}
	rec := mustJSON(t, map[string]any{
		"eventVersion": "1.10", "eventID": "big", "eventTime": "2026-11-01T00:00:00Z",
		"eventSource": "lookoutmetrics.amazonaws.com", "eventName": "PutFeedback", "requestParameters": params,
	})
	for _, mode := range []BodyMode{BodyRaw, BodyMap, BodyNone} {
		b := NewBatch(Options{Body: mode})
		require.NoError(t, b.Add(rec, time.Time{}, time.Now()))
		lr := b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
		got, ok := lr.Attributes().Get(AttrRequestParameters)
		require.True(t, ok, mode.String())
		assert.Equal(t, len(params), got.Map().Len(), mode.String())
		if mode == BodyRaw {
			assert.Equal(t, string(rec), lr.Body().Str())
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
