// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tracedCall is one line of tracedclient's output.
type tracedCall struct {
	Mode      string `json:"mode"`
	Operation string `json:"operation"`
	RequestID string `json:"request_id"`
	TraceID   string `json:"trace_id"`
	SpanID    string `json:"span_id"`
}

// runTracedClient runs the instrumented client in mode and returns its calls.
func runTracedClient(t *testing.T, bin, mode string, calls int, args ...string) []tracedCall {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-mode", mode, "-calls", strconv.Itoa(calls)}, args...)...)
	cmd.Env = childEnv()
	out, err := cmd.Output()
	require.NoError(t, err, "tracedclient -mode %s", mode)
	var res []tracedCall
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var c tracedCall
		require.NoError(t, json.Unmarshal(sc.Bytes(), &c), sc.Text())
		res = append(res, c)
	}
	require.Len(t, res, calls)
	return res
}

// TestTraceContextOnCloudTrailLogs proves the join on real instrumentation: calls traced
// by otelaws (OTLP) and by the X-Ray SDK (segments turned into OTLP spans as the awsxray
// receiver turns them, see tracedclient's -xray-otlp-endpoint) come back from CloudTrail as
// log records carrying their client span's trace and span IDs; untraced calls carry none.
func TestTraceContextOnCloudTrailLogs(t *testing.T) {
	otelcol, emuBin := binaries(t)
	traced := os.Getenv("TRACEDCLIENT_BIN")
	if traced == "" {
		t.Skip("needs TRACEDCLIENT_BIN; `make test` builds it")
	}
	emu := startEmulator(t, emuBin, "-delivery-delay-min", "1s", "-delivery-delay-max", "4s")
	otlpPort := freePort(t)
	col := &collector{output: filepath.Join(t.TempDir(), "logs.json"), metricsPort: freePort(t)}
	col.process = start(t, "otelcol-cloudtrail", childEnv(
		"E2E_EMULATOR_URL="+emu.url, outputEnv(t, col.output), "E2E_METRICS_PORT="+strconv.Itoa(col.metricsPort),
		"E2E_OTLP_PORT="+strconv.Itoa(otlpPort),
	), otelcol, "--config", "../../testdata/e2e/traces.yaml")
	col.waitForLine(t, "Everything is ready", 60*time.Second)

	common := []string{"-endpoint", emu.url}
	calls := runTracedClient(t, traced, "otel", 21, append(common, "-otlp-endpoint", fmt.Sprintf("http://127.0.0.1:%d", otlpPort))...)
	calls = append(calls, runTracedClient(t, traced, "xray", 21, append(common, "-xray-otlp-endpoint", fmt.Sprintf("http://127.0.0.1:%d", otlpPort))...)...)
	calls = append(calls, runTracedClient(t, traced, "none", 7, common...)...)

	var byRequest map[string]record
	require.Eventually(t, func() bool {
		byRequest = map[string]record{}
		for _, r := range col.records(t) {
			byRequest[r.attr("aws.request_id")] = r
		}
		for _, c := range calls {
			if _, ok := byRequest[c.RequestID]; !ok {
				return false
			}
		}
		return true
	}, 2*time.Minute, 250*time.Millisecond, "every call's CloudTrail record is exported")

	stamped := map[string]int{}
	for _, c := range calls {
		lr := byRequest[c.RequestID].lr
		if c.Mode == "none" {
			assert.True(t, lr.TraceID().IsEmpty(), "untraced %s %s carries a trace", c.Operation, c.RequestID)
			continue
		}
		require.NotEmpty(t, c.TraceID, "%s call %s was traced", c.Mode, c.RequestID)
		if assert.Equal(t, c.TraceID, lr.TraceID().String(), "%s %s trace", c.Mode, c.Operation) &&
			assert.Equal(t, c.SpanID, lr.SpanID().String(), "%s %s span", c.Mode, c.Operation) {
			stamped[c.Mode]++
		}
	}
	assert.Equal(t, 21, stamped["otel"], "100% of otelaws calls")
	assert.Equal(t, 21, stamped["xray"], "100% of X-Ray calls")
	t.Logf("stamped: otelaws %d/21, X-Ray %d/21; untraced: 7 without trace context", stamped["otel"], stamped["xray"])
}
