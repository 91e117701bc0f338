// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// FuzzTranslate feeds any bytes to Batch.Add and Batch.AddString in every
// body mode. Nothing may panic. Input that encoding/json takes for one JSON
// object must translate, the same way through both entry points: the BodyMap
// body must hold what encoding/json decodes, the BodyRaw body the text
// itself (invalid UTF-8 replaced), and the attributes must not depend on the
// body mode. Any other input must be rejected and add nothing.
//
// Its seed corpus, testdata/fuzz/FuzzTranslate, holds records of the shared
// corpus (see testdata/SOURCES.md). Run it with
//
//	go test ./internal/translate/ -run '^$' -fuzz '^FuzzTranslate$' -fuzztime 60s
func FuzzTranslate(f *testing.F) {
	f.Add([]byte(`{"eventID":"e","eventTime":"2024-01-01T00:00:00Z","awsRegion":"r","recipientAccountId":"1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		isObject := json.Valid(data) && len(trimmed) > 0 && trimmed[0] == '{'
		var attrs [len(bodyModeNames)]map[string]any
		for _, mode := range []BodyMode{BodyRaw, BodyMap, BodyNone} {
			b := NewBatch(Options{Body: mode})
			record := bytes.Clone(data)
			err := b.Add(record, time.Time{}, fixedObserved)
			for i := range record {
				record[i] = 0 // Add keeps no reference to its argument
			}
			errString := b.AddString(string(data), time.Time{}, fixedObserved)
			if !isObject {
				require.Error(t, err)
				require.EqualError(t, errString, err.Error())
				require.Zero(t, b.Len())
				continue
			}
			require.NoError(t, err)
			require.NoError(t, errString)
			require.Equal(t, 2, b.Len())
			lrs := b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
			require.Equal(t, 2, lrs.Len(), "both records in one ResourceLogs")
			lr := lrs.At(0)
			assertSameRecord(t, lr, lrs.At(1))
			switch mode {
			case BodyRaw:
				want := string(data)
				if !utf8.Valid(data) {
					want = strings.ToValidUTF8(want, "\uFFFD")
				}
				require.Equal(t, want, lr.Body().Str())
			case BodyMap:
				var want any
				if json.Unmarshal(data, &want) == nil && nestingDepth(data) <= MaxDepth {
					require.Equal(t, want, jsonRoundTrip(t, lr.Body().Map().AsRaw()))
				}
			case BodyNone:
				require.Equal(t, "Empty", lr.Body().Type().String())
			}
			attrs[mode] = lr.Attributes().AsRaw()
		}
		assert.Equal(t, attrs[BodyRaw], attrs[BodyMap])
		assert.Equal(t, attrs[BodyRaw], attrs[BodyNone])
	})
}

// assertSameRecord compares two log records field by field.
func assertSameRecord(t *testing.T, a, b plog.LogRecord) {
	t.Helper()
	assert.Equal(t, a.Timestamp(), b.Timestamp())
	assert.Equal(t, a.ObservedTimestamp(), b.ObservedTimestamp())
	assert.Equal(t, a.EventName(), b.EventName())
	assert.Equal(t, a.SeverityNumber(), b.SeverityNumber())
	assert.Equal(t, a.SeverityText(), b.SeverityText())
	assert.True(t, a.Body().Equal(b.Body()), "bodies differ")
	assert.True(t, a.Attributes().Equal(b.Attributes()), "attributes differ")
}
