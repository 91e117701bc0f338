// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Regenerate the golden files with
//
//	go test ./internal/translate/ -run TestGolden -update
//
// or with UPDATE_GOLDEN=1 in the environment.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	fixedObserved = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	testOptions   = Options{ScopeName: "github.com/otelcol-cloudtrail/awscloudtrail/internal/translate", ScopeVersion: "test"}
)

func TestGolden(t *testing.T) {
	cases := []struct {
		input string
		body  BodyMode
	}{
		{"read_call", BodyRaw},
		{"write_call", BodyRaw},
		{"error_access_denied", BodyRaw},
		{"assumed_role", BodyRaw},
		{"v1_11_in_scope_of", BodyRaw},
		{"insight", BodyMap},
		{"lookoutmetrics", BodyNone},
		{"unknown_fields", BodyMap},
		{"unknown_fields", BodyRaw},
	}
	for _, tc := range cases {
		name := tc.input + "_" + tc.body.String()
		t.Run(name, func(t *testing.T) {
			opts := testOptions
			opts.Body = tc.body
			b := NewBatch(opts)
			for _, rec := range readRecords(t, filepath.Join("testdata", tc.input+".ndjson")) {
				require.NoError(t, b.Add(rec, time.Time{}, fixedObserved))
			}
			compareGolden(t, filepath.Join("testdata", name+"_expected.json"), b.Logs())
		})
	}
}

// readRecords returns the lines of an ndjson file, each exactly as stored.
func readRecords(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			out = append(out, bytes.Clone(sc.Bytes()))
		}
	}
	require.NoError(t, sc.Err())
	return out
}

// compareGolden compares logs, with every ObservedTimestamp cleared, to the
// OTLP/JSON golden file at path, or rewrites the file when asked to.
func compareGolden(t *testing.T, path string, logs plog.Logs) {
	t.Helper()
	clearObserved(logs)
	raw, err := (&plog.JSONMarshaler{}).MarshalLogs(logs)
	require.NoError(t, err)
	var got bytes.Buffer
	require.NoError(t, json.Indent(&got, raw, "", "  "))
	got.WriteByte('\n')
	if *update || os.Getenv("UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(path, got.Bytes(), 0o600))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run with -update")
	_, err = (&plog.JSONUnmarshaler{}).UnmarshalLogs(want)
	require.NoError(t, err, "golden file is not OTLP/JSON logs")
	require.JSONEq(t, string(want), got.String())
}

func clearObserved(logs plog.Logs) {
	for _, rl := range logs.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				lr.SetObservedTimestamp(0)
			}
		}
	}
}
