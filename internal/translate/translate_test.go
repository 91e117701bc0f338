// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestBodyMode(t *testing.T) {
	for _, m := range []BodyMode{BodyRaw, BodyMap, BodyNone} {
		parsed, err := ParseBodyMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, parsed)
		text, err := m.MarshalText()
		require.NoError(t, err)
		var back BodyMode
		require.NoError(t, back.UnmarshalText(text))
		assert.Equal(t, m, back)
	}
	for _, bad := range []string{"", "Raw", "json", "string"} {
		_, err := ParseBodyMode(bad)
		assert.ErrorContains(t, err, "invalid body mode")
	}
	_, err := BodyMode(7).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "BodyMode(7)", BodyMode(7).String())
	assert.Equal(t, BodyRaw, Options{}.Body, "the zero value keeps the record text")
}

func TestParseEventTime(t *testing.T) {
	utc := func(ns int) time.Time { return time.Date(2022, 11, 21, 18, 6, 52, ns, time.UTC) }
	cases := map[string]time.Time{
		"2022-11-21T18:06:52Z":             utc(0),
		"2022-11-21T18:06:52z":             utc(0),
		"2022-11-21T18:06:52.5Z":           utc(500000000),
		"2022-11-21T20:06:52+02:00":        utc(0),
		"2022-11-21 18:06:52":              utc(0),
		"2022-11-21 18:06:52Z":             utc(0),
		"2022-11-21 18:06:52.123":          utc(123000000),
		"2022-11-21 18:06:52.123456789":    utc(123456789),
		" 2022-11-21T18:06:52.000000001Z ": utc(1),
	}
	for in, want := range cases {
		got, ok := ParseEventTime(in)
		require.True(t, ok, in)
		assert.True(t, want.Equal(got), "%s: got %v", in, got)
	}
	for _, bad := range []string{"", "yesterday", "2022-11-21", "1669054012", "2022-13-21T18:06:52Z"} {
		_, ok := ParseEventTime(bad)
		assert.False(t, ok, bad)
	}
}

func TestParseLookoutARN(t *testing.T) {
	cases := []struct{ arn, kind, name, second string }{
		{"arn:aws:lookoutmetrics:us-east-2:123456789012:AnomalyDetector:det-1", "AnomalyDetector", "det-1", ""},
		{"arn:aws-cn:lookoutmetrics:cn-north-1:123456789012:Alert:al-1", "Alert", "al-1", ""},
		{"arn:aws:lookoutmetrics:us-east-2:123456789012:MetricSet/det-1/ms-1", "MetricSet", "det-1", "ms-1"},
		{"arn:aws:lookoutmetrics:us-east-2:123456789012:MetricSet/det-1", "", "", ""},
		{"arn:aws:lookoutmetrics:us-east-2:123456789012:AnomalyDetector:", "", "", ""},
		{"arn:aws:s3:::bucket", "", "", ""},
		{"arn:aws:lookoutvision:us-east-2:123456789012:AnomalyDetector:x", "", "", ""},
		{"not an arn", "", "", ""},
	}
	for _, tc := range cases {
		kind, name, second := parseLookoutARN(tc.arn)
		assert.Equal(t, []string{tc.kind, tc.name, tc.second}, []string{kind, name, second}, tc.arn)
	}
}

func translateOne(t *testing.T, rec string) plog.LogRecord {
	t.Helper()
	b := NewBatch(Options{Body: BodyNone})
	require.NoError(t, b.Add([]byte(rec), time.Time{}, time.Time{}))
	return b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
}

func TestLookoutMetricsAttributes(t *testing.T) {
	det := "arn:aws:lookoutmetrics:us-east-2:123456789012:AnomalyDetector:det-1"
	rec := `{"eventSource":"lookoutmetrics.amazonaws.com",` +
		`"requestParameters":{"anomalyDetectorName":"from-request","alertArn":"arn:aws:lookoutmetrics:us-east-2:123456789012:Alert:al-1","AlertName":""},` +
		`"responseElements":{"AnomalyDetectorArn":"` + det + `","AnomalyDetectorName":"from-response","MetricSetName":7}}`
	attrs := translateOne(t, rec).Attributes().AsRaw()
	assert.Equal(t, det, attrs[AttrLookoutMetricsDetectorARN])
	assert.Equal(t, "from-request", attrs[AttrLookoutMetricsDetectorName], "requestParameters first; names in the event win over the ARN")
	assert.Equal(t, "al-1", attrs[AttrLookoutMetricsAlertName], "derived from the alert ARN")
	assert.NotContains(t, attrs, AttrLookoutMetricsMetricSetName, "not a string")

	other := translateOne(t, `{"eventSource":"ec2.amazonaws.com","requestParameters":{"AnomalyDetectorArn":"`+det+`"}}`)
	assert.NotContains(t, other.Attributes().AsRaw(), AttrLookoutMetricsDetectorARN, "other sources get no lookoutmetrics attributes")

	none := translateOne(t, `{"eventSource":"lookoutmetrics.amazonaws.com","eventName":"ListAnomalyDetectors","requestParameters":{}}`)
	for k := range none.Attributes().All() {
		assert.False(t, strings.HasPrefix(k, "aws.lookoutmetrics."), k)
	}
}

func TestRecordFields(t *testing.T) {
	lr := translateOne(t, `{"eventType":"AwsConsoleSignin","errorCode":"Failed","sessionCredentialFromConsole":"true",`+
		`"userIdentity":{"type":"IdentityCenterUser","accountid":"1","userId":"u-1","identityStoreArn":"arn:is",`+
		`"invokedBy":"svc","sessionContext":{"attributes":{"mfaAuthenticated":true}}},`+
		`"tlsDetails":{"tlsVersion":"TLSv1.3"},"resources":[{"accountId":"1","type":"T","ARN":"a"},"skip",{"arn":"b"}]}`)
	assert.Equal(t, EventNameConsoleSignIn, lr.EventName())
	assert.Equal(t, plog.SeverityNumberError, lr.SeverityNumber())
	assert.Equal(t, map[string]any{
		AttrRPCSystem: "AwsConsoleSignin", AttrSessionConsole: true, AttrUserID: "u-1",
		AttrUserIdentityAccountID: "1", AttrIdentityStoreARN: "arn:is", AttrUserIdentityInvokedBy: "svc",
		AttrPrincipalType: "IdentityCenterUser", AttrSessionMFAAuthenticated: true,
		AttrTLSProtocolVersion: "1.3", AttrErrorCode: "Failed",
		AttrResources: []any{
			map[string]any{ResourceKeyAccountID: "1", ResourceKeyType: "T", ResourceKeyARN: "a"},
			map[string]any{ResourceKeyARN: "b"},
		},
	}, lr.Attributes().AsRaw())
	assert.Equal(t, EventNameOther, translateOne(t, `{}`).EventName())
	assert.Equal(t, EventNameInsight, translateOne(t, `{"eventType":"AwsCloudTrailInsight"}`).EventName())
}

func TestBatch(t *testing.T) {
	b := NewBatch(Options{Body: BodyRaw, ScopeName: "scope", ScopeVersion: "v1"})
	observed := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	fallback := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	recs := []string{
		`{"eventID":"1","awsRegion":"r1","recipientAccountId":"a1","eventTime":"2024-01-01T00:00:00Z"}`,
		`{"eventID":"2","awsRegion":"r2","recipientAccountId":"a1","eventTime":"garbage"}`,
		`{"eventID":"3","awsRegion":"r1","userIdentity":{"accountId":"a1"}}`,
		`{"eventID":"4"}`,
	}
	for _, r := range recs {
		require.NoError(t, b.Add([]byte(r), fallback, observed))
	}
	assert.Equal(t, 4, b.Len())
	logs := b.Logs()
	assert.Zero(t, b.Len())
	assert.Zero(t, b.Logs().ResourceLogs().Len(), "Logs resets the batch")
	require.Equal(t, 3, logs.ResourceLogs().Len())
	var groups [][]string
	for _, rl := range logs.ResourceLogs().All() {
		sl := rl.ScopeLogs().At(0)
		assert.Equal(t, "scope", sl.Scope().Name())
		assert.Equal(t, "v1", sl.Scope().Version())
		var ids []string
		for _, lr := range sl.LogRecords().All() {
			id, _ := lr.Attributes().Get(AttrEventID)
			ids = append(ids, id.Str())
			assert.Equal(t, pcommon.NewTimestampFromTime(observed), lr.ObservedTimestamp())
			assert.Equal(t, recs[slices.Index([]string{"1", "2", "3", "4"}, id.Str())], lr.Body().Str())
		}
		groups = append(groups, ids)
	}
	assert.Equal(t, [][]string{{"1", "3"}, {"2"}, {"4"}}, groups)
	first := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), first.At(0).Timestamp().AsTime())
	assert.Equal(t, fallback, first.At(1).Timestamp().AsTime(), "no eventTime: fallback")
	second := logs.ResourceLogs().At(1).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, fallback, second.At(0).Timestamp().AsTime(), "unparseable eventTime: fallback")
	assert.Equal(t, map[string]any{AttrCloudProvider: "aws"}, logs.ResourceLogs().At(2).Resource().Attributes().AsRaw())

	require.NoError(t, b.Add([]byte(`{"eventID":"5"}`), time.Time{}, time.Time{}))
	lr := b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Zero(t, lr.Timestamp(), "zero fallback: no timestamp")
	assert.Zero(t, lr.ObservedTimestamp())
}

// TestAttributeNameLists keeps the exported name lists in step with the Attr* constants.
func TestAttributeNameLists(t *testing.T) {
	file, err := goparser.ParseFile(token.NewFileSet(), "names.go", nil, 0)
	require.NoError(t, err)
	var consts []string
	ast.Inspect(file, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && strings.HasPrefix(vs.Names[0].Name, "Attr") {
			lit := vs.Values[0].(*ast.BasicLit)
			s, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			consts = append(consts, s)
		}
		return true
	})
	all := append(ResourceAttributeNames(), LogAttributeNames()...)
	assert.ElementsMatch(t, consts, all)
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(all))), len(all), "no duplicates")
}

// An Insights record has no top-level eventSource or eventName: rpc.service and
// rpc.method come from insightDetails; a top-level value, when present, wins.
func TestInsightTakesServiceAndMethodFromDetails(t *testing.T) {
	attrs := translateOne(t, `{"eventType":"AwsCloudTrailInsight","eventCategory":"Insight",`+
		`"insightDetails":{"state":"Start","eventSource":"iam.amazonaws.com","eventName":"CreateUser","insightType":"ApiCallRateInsight"}}`).Attributes().AsRaw()
	assert.Equal(t, "iam.amazonaws.com", attrs[AttrRPCService])
	assert.Equal(t, "CreateUser", attrs[AttrRPCMethod])

	attrs = translateOne(t, `{"eventSource":"s3.amazonaws.com","eventName":"GetObject",`+
		`"insightDetails":{"eventSource":"iam.amazonaws.com","eventName":"CreateUser"}}`).Attributes().AsRaw()
	assert.Equal(t, "s3.amazonaws.com", attrs[AttrRPCService])
	assert.Equal(t, "GetObject", attrs[AttrRPCMethod])

	attrs = translateOne(t, `{"insightDetails":"not an object"}`).Attributes().AsRaw()
	assert.NotContains(t, attrs, AttrRPCService)
}

// A failed console sign-in has no errorCode: only responseElements.ConsoleLogin says
// "Failure". It is WARN, not INFO; the successful sign-in beside it stays INFO
// (testdata/console_login.ndjson: real records, a failure then a success).
func TestFailedConsoleSignInIsWarn(t *testing.T) {
	recs := readRecords(t, filepath.Join("testdata", "console_login.ndjson"))
	require.Len(t, recs, 2)
	failed := translateOne(t, string(recs[0]))
	assert.Equal(t, plog.SeverityNumberWarn, failed.SeverityNumber())
	assert.Equal(t, "WARN", failed.SeverityText())
	ok := translateOne(t, string(recs[1]))
	assert.Equal(t, plog.SeverityNumberInfo, ok.SeverityNumber())
	assert.Equal(t, "INFO", ok.SeverityText())

	tests := []struct {
		rec  string
		want plog.SeverityNumber
	}{
		{`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Failure"}}`, plog.SeverityNumberWarn},
		{`{"eventSource":"signin.amazonaws.com","eventName":"CheckMfa","responseElements":{"CheckMfa":"Failure"}}`, plog.SeverityNumberWarn},
		{`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","errorCode":"X","responseElements":{"ConsoleLogin":"Failure"}}`, plog.SeverityNumberError},
		{`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"}}`, plog.SeverityNumberInfo},
		{`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"CheckMfa":"Failure"}}`, plog.SeverityNumberInfo},
		{`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":"Failure"}`, plog.SeverityNumberInfo},
		{`{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":false}}`, plog.SeverityNumberInfo},
		{`{"eventSource":"s3.amazonaws.com","eventName":"GetObject","responseElements":{"GetObject":"Failure"}}`, plog.SeverityNumberInfo},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, translateOne(t, tt.rec).SeverityNumber(), tt.rec)
	}
}
