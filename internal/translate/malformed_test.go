// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestAddRejectsMalformed(t *testing.T) {
	cases := map[string]struct {
		input   string
		errPart string
	}{
		"not JSON":            {`eventID=abc`, "it is not JSON"},
		"not JSON, n":         {`nothing`, "it is not JSON"},
		"boolean":             {`true`, "it is a boolean"},
		"empty":               {``, "the input is empty"},
		"whitespace":          {" \n\t", "the input is empty"},
		"JSON array":          {`[{"eventID":"a"}]`, "it is an array"},
		"null":                {`null`, "it is null"},
		"string":              {`"{}"`, "it is a string"},
		"number":              {`42`, "it is a number"},
		"truncated":           {`{"eventID":"ev-123","eventName":"Get`, `"ev-123"`},
		"truncated after key": {`{"eventID":"ev-124","a"`, `"ev-124"`},
		"missing close":       {`{"eventID":"ev-125"`, "unexpected end"},
		"two objects":         {`{"eventID":"a"} {"eventID":"b"}`, "after the top-level object"},
		"trailing comma":      {`{"a":1,}`, "object key"},
		"single quotes":       {`{'a':1}`, "object key"},
		"missing colon":       {`{"a" 1}`, "':'"},
		"number key":          {`{1:2}`, "object key"},
		"leading zero":        {`{"a":01}`, "expected ','"},
		"bare minus":          {`{"a":-}`, "invalid value"},
		"no fraction digit":   {`{"a":1.}`, "after '.'"},
		"no exponent digit":   {`{"a":1e}`, "exponent"},
		"bad literal":         {`{"a":tru}`, "invalid literal"},
		"control char":        {"{\"a\":\"x\x01y\"}", "control character"},
		"bad escape":          {`{"a":"\q"}`, "invalid string"},
		"short unicode":       {`{"a":"\u12"}`, "invalid string"},
		"unterminated string": {`{"a":"abc`, "unterminated string"},
		"array not closed":    {`{"a":[1,2}`, "expected ','"},
		"NUL byte":            {"{\"a\":\x00}", "invalid value"},
		"non-UTF-8 outside":   {"{\"a\":\xff}", "invalid value"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			require.False(t, json.Valid([]byte(tc.input)) && strings.HasPrefix(strings.TrimSpace(tc.input), "{"),
				"test input must be invalid for encoding/json too")
			b := NewBatch(Options{Body: BodyMap})
			err := b.Add([]byte(tc.input), time.Time{}, fixedObserved)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.errPart)
			assert.Zero(t, b.Len())
			assert.Zero(t, b.Logs().LogRecordCount())
		})
	}
}

func TestAddErrorThenValid(t *testing.T) {
	b := NewBatch(Options{})
	require.Error(t, b.Add([]byte(`{"eventID":"x",`), time.Time{}, fixedObserved))
	require.NoError(t, b.Add([]byte(`{"eventID":"y"}`), time.Time{}, fixedObserved))
	logs := b.Logs()
	require.Equal(t, 1, logs.LogRecordCount())
	uid, _ := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(AttrLogRecordUID)
	assert.Equal(t, "y", uid.Str())
}

func TestNonUTF8InsideStrings(t *testing.T) {
	rec := []byte("{\"eventID\":\"e1\",\"userAgent\":\"bad\xff\xfeagent\",\"k\xc3\":\"v\"}")
	for _, mode := range []BodyMode{BodyRaw, BodyMap, BodyNone} {
		b := NewBatch(Options{Body: mode})
		require.NoError(t, b.Add(rec, time.Time{}, fixedObserved))
		lr := b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
		ua, ok := lr.Attributes().Get(AttrUserAgentOriginal)
		require.True(t, ok)
		assert.Equal(t, "bad\uFFFD\uFFFDagent", ua.Str(), "each invalid byte becomes U+FFFD, as with encoding/json")
		switch mode {
		case BodyRaw:
			assert.True(t, utf8.ValidString(lr.Body().Str()))
			assert.Equal(t, "{\"eventID\":\"e1\",\"userAgent\":\"bad\uFFFDagent\",\"k\uFFFD\":\"v\"}", lr.Body().Str())
		case BodyMap:
			var want any
			require.NoError(t, json.Unmarshal(rec, &want))
			assert.Equal(t, want, jsonRoundTrip(t, lr.Body().Map().AsRaw()))
		}
	}
}

func nested(depth int, open, leaf, closing string) string {
	return strings.Repeat(open, depth) + leaf + strings.Repeat(closing, depth)
}

// TestDeepNesting: containers below MaxDepth levels are kept as raw JSON text.
func TestDeepNesting(t *testing.T) {
	for name, tc := range map[string]struct{ open, leaf, closing string }{
		"objects": {`{"a":`, `1`, `}`},
		"arrays":  {`[`, `"x"`, `]`},
	} {
		t.Run(name, func(t *testing.T) {
			// The record is level 1, the value of requestParameters level 2.
			rec := `{"eventID":"deep","requestParameters":` + nested(100, tc.open, tc.leaf, tc.closing) + `}`
			b := NewBatch(Options{Body: BodyMap})
			require.NoError(t, b.Add([]byte(rec), time.Time{}, fixedObserved))
			body := b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body()
			v, depth := descend(body)
			assert.Equal(t, MaxDepth, depth, "containers converted down to MaxDepth")
			require.Equal(t, pcommon.ValueTypeStr, v.Type())
			assert.True(t, json.Valid([]byte(v.Str())))
			assert.Equal(t, nested(100-(MaxDepth-1), tc.open, tc.leaf, tc.closing), v.Str(), "the rest kept as its JSON text")
		})
	}
}

// descend follows the last member of nested maps and slices.
func descend(v pcommon.Value) (pcommon.Value, int) {
	depth := 0
	for {
		switch v.Type() {
		case pcommon.ValueTypeMap:
			for _, member := range v.Map().All() {
				v = member
			}
		case pcommon.ValueTypeSlice:
			v = v.Slice().At(v.Slice().Len() - 1)
		default:
			return v, depth
		}
		depth++
	}
}

func TestVeryDeepNestingFailsCleanly(t *testing.T) {
	rec := `{"eventID":"very-deep","x":` + nested(200000, `[`, ``, `]`) + `}`
	b := NewBatch(Options{Body: BodyMap})
	var err error
	require.NotPanics(t, func() { err = b.Add([]byte(rec), time.Time{}, fixedObserved) })
	require.Error(t, err, "beyond encoding/json's own nesting limit")
	assert.Contains(t, err.Error(), `"very-deep"`)
	assert.Zero(t, b.Len())
}

func TestDuplicateKeysLastWins(t *testing.T) {
	b := NewBatch(Options{Body: BodyMap})
	require.NoError(t, b.Add([]byte(`{"eventID":"a","eventID":"b","x":1,"x":{"y":2}}`), time.Time{}, fixedObserved))
	lr := b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, map[string]any{"eventID": "b", "x": map[string]any{"y": int64(2)}}, lr.Body().Map().AsRaw())
	id, _ := lr.Attributes().Get(AttrEventID)
	assert.Equal(t, "b", id.Str())
}

func TestOddFieldTypesDoNotFail(t *testing.T) {
	rec := `{"eventID":"odd","requestParameters":"{\"a\":1}","responseElements":null,` +
		`"additionalEventData":[1],"insightDetails":7,"resources":{"ARN":"x"},"userIdentity":"root",` +
		`"tlsDetails":null,"readOnly":"true","managementEvent":"maybe","sessionCredentialFromConsole":"false",` +
		`"errorCode":"","eventTime":12345,"recipientAccountId":123456789012,"awsRegion":null}`
	b := NewBatch(Options{Body: BodyNone})
	fallback := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, b.Add([]byte(rec), fallback, fixedObserved))
	rl := b.Logs().ResourceLogs().At(0)
	assert.Equal(t, map[string]any{AttrCloudProvider: "aws", AttrCloudAccountID: "123456789012"}, rl.Resource().Attributes().AsRaw())
	lr := rl.ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, map[string]any{
		AttrEventID: "odd", AttrLogRecordUID: "odd", AttrReadOnly: true, AttrSessionConsole: false,
	}, lr.Attributes().AsRaw())
	assert.Equal(t, "INFO", lr.SeverityText(), "an empty errorCode is no error")
	assert.Equal(t, pcommon.NewTimestampFromTime(fallback), lr.Timestamp())
}
