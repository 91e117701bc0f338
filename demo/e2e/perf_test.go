// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// perf enables the process-level performance runs (`make bench`).
var perf = os.Getenv("E2E_PERF") != ""

func skipUnlessPerf(t *testing.T) (otelcol, awsemu string) {
	t.Helper()
	if !perf {
		t.Skip("performance runs are for `make bench` (E2E_PERF=1)")
	}
	return binaries(t)
}

// perfSettings are the knobs of testdata/e2e/perf.yaml.
type perfSettings struct {
	regions, sources, startAt, pollInterval, exporter string
	rps                                               float64
}

func startPerfCollector(t *testing.T, bin, emulatorURL string, ps perfSettings) *collector {
	t.Helper()
	c := &collector{output: filepath.Join(t.TempDir(), "logs.json"), metricsPort: freePort(t)}
	env := childEnv(
		"E2E_EMULATOR_URL="+emulatorURL, outputEnv(t, c.output),
		"E2E_METRICS_PORT="+strconv.Itoa(c.metricsPort), "E2E_REGIONS="+ps.regions,
		"E2E_SOURCES="+ps.sources, "E2E_START_AT="+ps.startAt, "E2E_POLL_INTERVAL="+ps.pollInterval,
		"E2E_RPS="+strconv.FormatFloat(ps.rps, 'f', -1, 64), "E2E_EXPORTER="+ps.exporter,
	)
	c.process = start(t, "otelcol-cloudtrail", env, bin, "--config", "../../testdata/e2e/perf.yaml")
	c.waitForLine(t, "Everything is ready", 60*time.Second)
	return c
}

// Target 1: a 20,000-event backfill behind the emulator's real quota of 2 requests/s.
func TestPerfBackfillThroughput(t *testing.T) {
	otelcol, emuBin := skipUnlessPerf(t)
	const n = 20000
	emu := startEmulator(t, emuBin, "-seed-events", strconv.Itoa(n), "-seed-span", "1h", "-rps", "2",
		"-delivery-delay-min", "0", "-delivery-delay-max", "0")
	began := time.Now()
	col := startPerfCollector(t, otelcol, emu.url, perfSettings{regions: "[us-east-1]",
		sources: "[lookoutmetrics.amazonaws.com]", startAt: "2h", pollInterval: "1m", exporter: "otlp_http/output", rps: 2})
	tl := startTailer(t, col.output, 100*time.Millisecond)
	require.Eventually(t, func() bool { return tl.count() >= n }, 10*time.Minute, 200*time.Millisecond)
	last := latestArrival(tl.snapshot())
	took := last.Sub(began)
	requests, throttled := col.lookups(t), col.metric(t, "otelcol_receiver_awscloudtrail_throttled_requests")
	eps := float64(n) / took.Seconds()
	addPerf(perfRow{run: "1 backfill 20k events, quota 2 req/s", figure: fmt.Sprintf("%.1f events/s", eps),
		target: ">= 97 events/s, <= 1% throttled", ok: eps >= 97 && throttled <= requests/100,
		notes: fmt.Sprintf("%s; %d requests, %d throttled, %.1f events/request", took.Round(100*time.Millisecond),
			int(requests), int(throttled), float64(n)/requests)})
	assert.GreaterOrEqual(t, eps, 97.0)
	assert.LessOrEqual(t, throttled, requests/100)
}

func latestArrival(seen map[string]arrival) time.Time {
	var last time.Time
	for _, a := range seen {
		if a.at.After(last) {
			last = a.at
		}
	}
	return last
}
