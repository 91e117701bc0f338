// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func sampleLine(t *testing.T, traced bool) []byte {
	t.Helper()
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("cloud.account.id", "123456789012")
	r := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	r.SetTimestamp(pcommon.NewTimestampFromTime(time.Date(2026, 12, 1, 13, 4, 5, 0, time.UTC)))
	r.Attributes().PutStr("aws.principal.arn", "arn:aws:iam::123456789012:user/alice")
	r.Attributes().PutStr("rpc.service", "lookoutmetrics.amazonaws.com")
	r.Attributes().PutStr("rpc.method", "ListAnomalyDetectors")
	r.Attributes().PutStr("aws.request_id", "7f1c0a52-0000-4000-8000-000000000001")
	if traced {
		r.SetObservedTimestamp(pcommon.NewTimestampFromTime(time.Date(2026, 12, 1, 13, 4, 8, 700e6, time.UTC)))
		r.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	}
	b, err := (&plog.JSONMarshaler{}).MarshalLogs(logs)
	require.NoError(t, err)
	return b
}

func TestRowShowsTheJoinAtAGlance(t *testing.T) {
	var out bytes.Buffer
	printLine(&out, sampleLine(t, true))
	printLine(&out, sampleLine(t, false))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2)
	for _, want := range []string{"13:04:05  3s ", "123456789012", "user/alice", "lookoutmetrics.ListAnomalyDetectors",
		"7f1c0a52-0000-4000-8000-000000000001", "0102030405060708090a0b0c0d0e0f10"} {
		require.Contains(t, lines[0], want)
	}
	require.True(t, strings.HasSuffix(lines[1], " -"), "an untraced record shows no trace ID: %q", lines[1])
	require.True(t, strings.HasPrefix(lines[1], "13:04:05  -  "), "no observed time, no delay: %q", lines[1])
}

func TestLineReaderWaitsForTheNewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.json")
	line := sampleLine(t, true)
	require.NoError(t, os.WriteFile(path, line[:len(line)/2], 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	lr := &lineReader{r: f}
	var got [][]byte
	collect := func(b []byte) { got = append(got, append([]byte(nil), b...)) }
	require.NoError(t, lr.each(collect))
	require.Empty(t, got, "half a line is not a line")

	w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = w.Write(append(append([]byte(nil), line[len(line)/2:]...), '\n'))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, lr.each(collect))
	require.Len(t, got, 1)
	require.Equal(t, line, got[0])
}

func TestNotOTLPIsReportedAndSkipped(t *testing.T) {
	var out bytes.Buffer
	printLine(&out, []byte(`{"not":"otlp"`))
	require.Contains(t, out.String(), "not OTLP JSON")
}
