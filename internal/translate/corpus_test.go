// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// corpusDir is the shared corpus of real CloudTrail records, beside the
// repository (CLOUDTRAIL_RECORDS_DIR overrides it).
func corpusDir() string {
	if dir := os.Getenv("CLOUDTRAIL_RECORDS_DIR"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "..", "shared", "testdata", "cloudtrail-records")
}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir(), "*.ndjson"))
	if len(files) == 0 {
		t.Skipf("no CloudTrail record corpus at %s (set CLOUDTRAIL_RECORDS_DIR to run this test)", corpusDir())
	}
	return files
}

// TestCorpus translates every published record of the shared corpus in every
// body mode and checks the body and the attributes its fields call for.
func TestCorpus(t *testing.T) {
	total := 0
	for _, file := range corpusFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			for i, rec := range readRecords(t, file) {
				total++
				checkCorpusRecord(t, rec, i+1)
			}
		})
	}
	t.Logf("translated %d records in each body mode", total)
}

func checkCorpusRecord(t *testing.T, rec []byte, line int) {
	var want map[string]any
	require.NoError(t, json.Unmarshal(rec, &want), "line %d", line)
	var attrs [3]map[string]any
	for _, mode := range []BodyMode{BodyRaw, BodyMap, BodyNone} {
		b := NewBatch(Options{Body: mode})
		require.NotPanics(t, func() {
			require.NoError(t, b.Add(rec, time.Time{}, fixedObserved), "line %d", line)
		})
		require.Equal(t, 1, b.Len())
		rl := b.Logs().ResourceLogs().At(0)
		lr := rl.ScopeLogs().At(0).LogRecords().At(0)
		checkBody(t, mode, rec, want, lr.Body(), line)
		checkResource(t, want, rl.Resource().Attributes(), line)
		checkRecord(t, want, lr, line)
		attrs[mode] = lr.Attributes().AsRaw()
	}
	assert.Equal(t, attrs[BodyRaw], attrs[BodyMap], "line %d: attributes differ between body modes", line)
	assert.Equal(t, attrs[BodyRaw], attrs[BodyNone], "line %d: attributes differ between body modes", line)
}

func checkBody(t *testing.T, mode BodyMode, rec []byte, want map[string]any, body pcommon.Value, line int) {
	switch mode {
	case BodyRaw:
		require.Equal(t, pcommon.ValueTypeStr, body.Type())
		assert.Equal(t, string(rec), body.Str(), "line %d: raw body changed", line)
	case BodyMap:
		require.Equal(t, pcommon.ValueTypeMap, body.Type())
		assert.Equal(t, want, jsonRoundTrip(t, body.Map().AsRaw()), "line %d: map body differs", line)
	case BodyNone:
		assert.Equal(t, pcommon.ValueTypeEmpty, body.Type())
	}
}

// jsonRoundTrip encodes v and decodes it again with encoding/json, so values
// compare as encoding/json would have decoded them.
func jsonRoundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func checkResource(t *testing.T, want map[string]any, res pcommon.Map, line int) {
	expect := map[string]any{AttrCloudProvider: "aws"}
	if r := str(want, "awsRegion"); r != "" {
		expect[AttrCloudRegion] = r
	}
	account := str(want, "recipientAccountId")
	if ui, ok := want["userIdentity"].(map[string]any); ok && account == "" {
		account = str(ui, "accountId")
	}
	if account != "" {
		expect[AttrCloudAccountID] = account
	}
	assert.Equal(t, expect, res.AsRaw(), "line %d: resource", line)
}

func checkRecord(t *testing.T, want map[string]any, lr plog.LogRecord, line int) {
	attrs := lr.Attributes().AsRaw()
	for key := range attrs {
		assert.Contains(t, LogAttributeNames(), key, "line %d: undocumented attribute", line)
	}
	strAttrs := map[string]string{
		"eventID": AttrEventID, "requestID": AttrRequestID, "eventName": AttrRPCMethod,
		"eventSource": AttrRPCService, "eventType": AttrRPCSystem, "eventVersion": AttrEventVersion,
		"errorCode": AttrErrorCode, "errorMessage": AttrErrorMessage, "userAgent": AttrUserAgentOriginal,
		"sourceIPAddress": AttrSourceAddress, "sharedEventID": AttrSharedEventID,
	}
	for field, attr := range strAttrs {
		if v := str(want, field); v != "" {
			assert.Equal(t, v, attrs[attr], "line %d: %s -> %s", line, field, attr)
		}
	}
	if id := str(want, "eventID"); id != "" {
		assert.Equal(t, id, attrs[AttrLogRecordUID], "line %d", line)
	}
	if b, ok := want["readOnly"].(bool); ok {
		assert.Equal(t, b, attrs[AttrReadOnly], "line %d", line)
	}
	checkSeverity(t, want, lr, line)
	checkInsightCall(t, want, attrs, line)
	assert.NotZero(t, lr.Timestamp(), "line %d: eventTime %v not parsed", line, want["eventTime"])
	assert.Equal(t, fixedObserved.UnixNano(), int64(lr.ObservedTimestamp()), "line %d", line)
	checkNested(t, want, attrs, line)
	checkIdentity(t, want, attrs, line)
}

func checkSeverity(t *testing.T, want map[string]any, lr plog.LogRecord, line int) {
	resp, _ := want["responseElements"].(map[string]any)
	switch {
	case str(want, "errorCode") != "":
		assert.Equal(t, plog.SeverityNumberError, lr.SeverityNumber(), "line %d", line)
		assert.Equal(t, "ERROR", lr.SeverityText(), "line %d", line)
	case str(want, "eventSource") == "signin.amazonaws.com" && str(resp, str(want, "eventName")) == "Failure":
		assert.Equal(t, plog.SeverityNumberWarn, lr.SeverityNumber(), "line %d", line)
		assert.Equal(t, "WARN", lr.SeverityText(), "line %d", line)
	default:
		assert.Equal(t, plog.SeverityNumberInfo, lr.SeverityNumber(), "line %d", line)
		assert.Equal(t, "INFO", lr.SeverityText(), "line %d", line)
	}
	assert.True(t, strings.HasPrefix(lr.EventName(), "aws.cloudtrail."), "line %d", line)
}

// checkInsightCall: an Insights record names the calls it is about only in
// insightDetails; they become rpc.service and rpc.method.
func checkInsightCall(t *testing.T, want, attrs map[string]any, line int) {
	details, ok := want["insightDetails"].(map[string]any)
	if !ok || str(want, "eventType") != "AwsCloudTrailInsight" {
		return
	}
	if str(want, "eventSource") == "" {
		assert.Equal(t, str(details, "eventSource"), attrs[AttrRPCService], "line %d: insightDetails.eventSource", line)
	}
	if str(want, "eventName") == "" {
		assert.Equal(t, str(details, "eventName"), attrs[AttrRPCMethod], "line %d: insightDetails.eventName", line)
	}
}

func checkNested(t *testing.T, want, attrs map[string]any, line int) {
	maps := map[string]string{
		"requestParameters": AttrRequestParameters, "responseElements": AttrResponseElements,
		"additionalEventData": AttrAdditionalEventData, "insightDetails": AttrInsightDetails,
	}
	for field, attr := range maps {
		if obj, ok := want[field].(map[string]any); ok {
			assert.Equal(t, any(obj), jsonRoundTrip(t, attrs[attr]), "line %d: %s", line, field)
		} else {
			assert.NotContains(t, attrs, attr, "line %d: %s is not an object", line, field)
		}
	}
	resources, _ := want["resources"].([]any)
	objects := slices.DeleteFunc(slices.Clone(resources), func(r any) bool { _, ok := r.(map[string]any); return !ok })
	if len(objects) > 0 {
		got, _ := attrs[AttrResources].([]any)
		assert.Len(t, got, len(objects), "line %d: resources", line)
	} else {
		assert.NotContains(t, attrs, AttrResources, "line %d", line)
	}
	if strings.EqualFold(str(want, "eventSource"), LookoutMetricsEventSource) {
		assert.Contains(t, attrs, AttrLookoutMetricsDetectorName, "line %d", line)
	}
}

func checkIdentity(t *testing.T, want, attrs map[string]any, line int) {
	ui, _ := want["userIdentity"].(map[string]any)
	for field, attr := range map[string]string{"type": AttrPrincipalType, "arn": AttrPrincipalARN, "userName": AttrUserName} {
		if v := str(ui, field); v != "" {
			assert.Equal(t, v, attrs[attr], "line %d: userIdentity.%s", line, field)
		}
	}
	sc, _ := ui["sessionContext"].(map[string]any)
	if issuer, _ := sc["sessionIssuer"].(map[string]any); str(issuer, "arn") != "" {
		assert.Equal(t, str(issuer, "arn"), attrs[AttrSessionIssuerARN], "line %d", line)
	}
	if tls, _ := want["tlsDetails"].(map[string]any); str(tls, "tlsVersion") != "" {
		assert.Equal(t, strings.TrimPrefix(str(tls, "tlsVersion"), "TLSv"), attrs[AttrTLSProtocolVersion], "line %d", line)
	}
}

// TestCorpusBatch adds whole files to one Batch and checks the grouping.
func TestCorpusBatch(t *testing.T) {
	for _, file := range corpusFiles(t) {
		recs := readRecords(t, file)
		b := NewBatch(Options{Body: BodyMap})
		keys := map[[2]string]bool{}
		for _, rec := range recs {
			require.NoError(t, b.Add(rec, time.Time{}, fixedObserved))
			var m map[string]any
			require.NoError(t, json.Unmarshal(rec, &m))
			account := str(m, "recipientAccountId")
			if ui, ok := m["userIdentity"].(map[string]any); ok && account == "" {
				account = str(ui, "accountId")
			}
			keys[[2]string{account, str(m, "awsRegion")}] = true
		}
		require.Equal(t, len(recs), b.Len())
		logs := b.Logs()
		assert.Equal(t, len(recs), logs.LogRecordCount(), file)
		assert.Equal(t, len(keys), logs.ResourceLogs().Len(), file)
		assert.Zero(t, b.Len())
	}
}
