// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package redact

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// leak translates rec in every body mode and returns where secret (the decoded value) or
// secretText (its JSON text as written in the record) is found: a resource or record
// attribute, the body (raw or map). "" when nowhere.
func leak(t testing.TB, rec []byte, secret, secretText string) string {
	t.Helper()
	for _, mode := range []translate.BodyMode{translate.BodyRaw, translate.BodyMap, translate.BodyNone} {
		b := translate.NewBatch(translate.Options{Body: mode})
		if err := b.Add(rec, time.Time{}, time.Time{}); err != nil {
			return "" // not exported at all
		}
		rls := b.Logs().ResourceLogs()
		for i := range rls.Len() {
			rl := rls.At(i)
			if where := findIn(pcommon.NewValueMap(), rl.Resource().Attributes(), secret, secretText); where != "" {
				return mode.String() + ": resource " + where
			}
			lrs := rl.ScopeLogs().At(0).LogRecords()
			for k := range lrs.Len() {
				if where := findLog(lrs.At(k), secret, secretText); where != "" {
					return mode.String() + ": " + where
				}
			}
		}
	}
	return ""
}

func findLog(lr plog.LogRecord, secret, secretText string) string {
	if where := findIn(pcommon.NewValueMap(), lr.Attributes(), secret, secretText); where != "" {
		return "attribute " + where
	}
	if where := findValue(lr.Body(), secret, secretText); where != "" {
		return "body " + where
	}
	return ""
}

func findIn(_ pcommon.Value, m pcommon.Map, secret, secretText string) string {
	where := ""
	m.Range(func(k string, v pcommon.Value) bool {
		if w := findValue(v, secret, secretText); w != "" {
			where = k + w
		}
		return where == ""
	})
	return where
}

// findValue walks v; every string (and every key) is searched.
func findValue(v pcommon.Value, secret, secretText string) string {
	switch v.Type() {
	case pcommon.ValueTypeMap:
		where := ""
		v.Map().Range(func(k string, e pcommon.Value) bool {
			if strings.Contains(k, secret) {
				where = "." + k + " (key)"
			} else if w := findValue(e, secret, secretText); w != "" {
				where = "." + k + w
			}
			return where == ""
		})
		return where
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		for i := range s.Len() {
			if w := findValue(s.At(i), secret, secretText); w != "" {
				return fmt.Sprintf("[%d]%s", i, w)
			}
		}
		return ""
	}
	if s := v.AsString(); strings.Contains(s, secret) || strings.Contains(s, secretText) {
		return " = " + s
	}
	return ""
}

const leakRecord = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accessKeyId":"AKIAEXAMPLE"},` +
	`"eventTime":"2026-11-01T10:00:00Z","eventSource":"lookoutmetrics.amazonaws.com","eventName":"ListAlerts",` +
	`"awsRegion":"us-east-1",%s,"requestParameters":{"MaxResults":5},"eventID":"ev-1","eventType":"AwsApiCall",` +
	`"recipientAccountId":"123456789012"}`

// The three records of issue 10: with sourceIPAddress chosen, each exported the address.
func TestIssue10RecordsDoNotLeak(t *testing.T) {
	deep := strings.Repeat("[", 300) + strings.Repeat("]", 300)
	for name, member := range map[string]string{
		"array nested 300 deep": `"sourceIPAddress":"192.0.2.44","requestParameters2":` + deep,
		"escaped key":           `"source\u0049PAddress":"192.0.2.44"`,
		"re-cased key":          `"SourceIPAddress":"192.0.2.44"`,
	} {
		t.Run(name, func(t *testing.T) {
			rec := fmt.Sprintf(leakRecord, member)
			require.Contains(t, leak(t, []byte(rec), "192.0.2.44", "192.0.2.44"), "source.address",
				"%s: without redaction the translator maps the address", name)
			for _, action := range []Action{Drop, Hash} {
				r := New([]string{"sourceIPAddress"}, action, "k")
				out, err := r.Record([]byte(rec))
				require.NoError(t, err, name)
				require.Empty(t, leak(t, out, "192.0.2.44", "192.0.2.44"), "%s, action %d: %s", name, action, out)
			}
		})
	}
}
