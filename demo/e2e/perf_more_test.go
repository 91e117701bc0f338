// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Target 2: 4 regions x 2 event sources in one collector; each region has its own quota.
func TestPerfScaleAcrossStreams(t *testing.T) {
	otelcol, emuBin := skipUnlessPerf(t)
	const perStream = 5000
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"}
	sources := []string{"lookoutmetrics.amazonaws.com", "iam.amazonaws.com"}
	emu := startEmulator(t, emuBin, "-seed-events", strconv.Itoa(perStream), "-seed-span", "1h", "-rps", "2",
		"-seed-regions", strings.Join(regions, ","), "-seed-source", strings.Join(sources, ","),
		"-delivery-delay-min", "0", "-delivery-delay-max", "0")
	began := time.Now()
	col := startPerfCollector(t, otelcol, emu.url, perfSettings{regions: "[" + strings.Join(regions, ",") + "]",
		sources: "[" + strings.Join(sources, ",") + "]", startAt: "2h", pollInterval: "1m", exporter: "otlp_http/output", rps: 2})
	tl := startTailer(t, col.output, 100*time.Millisecond)
	total := perStream * len(regions) * len(sources)
	require.Eventually(t, func() bool { return tl.count() >= total }, 15*time.Minute, 500*time.Millisecond)

	done := map[string]time.Time{} // stream -> last arrival
	for _, a := range tl.snapshot() {
		k := a.region + " " + a.source
		if a.at.After(done[k]) {
			done[k] = a.at
		}
	}
	slowest, fastest := time.Duration(0), time.Duration(1<<62)
	for _, at := range done {
		d := at.Sub(began)
		slowest, fastest = max(slowest, d), min(fastest, d)
	}
	perRegion := float64(perStream*len(sources)) / slowest.Seconds()
	balance := fastest.Seconds() / slowest.Seconds()
	addPerf(perfRow{run: "2 scale: 4 regions x 2 sources", figure: fmt.Sprintf("%.1f events/s per region", perRegion),
		target: "each region near 100 events/s, no stream starved", ok: perRegion >= 90 && balance >= 0.8,
		notes: fmt.Sprintf("%d streams of %d events; streams finished between %s and %s (balance %.2f); %d events/s in all",
			len(done), perStream, fastest.Round(time.Second), slowest.Round(time.Second), balance,
			int(float64(total)/slowest.Seconds()))})
	assert.Len(t, done, len(regions)*len(sources))
	assert.GreaterOrEqual(t, perRegion, 90.0)
	assert.GreaterOrEqual(t, balance, 0.8, "no stream starved")
}

// Target 4: peak RSS of the collector during a 1,000,000-event backfill (quota raised).
func TestPerfMemoryFlatDuringBackfill(t *testing.T) {
	otelcol, emuBin := skipUnlessPerf(t)
	const n = 1000000
	emu := startEmulator(t, emuBin, "-seed-events", strconv.Itoa(n), "-seed-span", "24h", "-rps", "-1",
		"-delivery-delay-min", "0", "-delivery-delay-max", "0")
	began := time.Now()
	col := startPerfCollector(t, otelcol, emu.url, perfSettings{regions: "[us-east-1]",
		sources: "[lookoutmetrics.amazonaws.com]", startAt: "25h", pollInterval: "1m", exporter: "debug", rps: 1000})
	marks := map[int]int64{} // percent -> RSS in bytes
	require.Eventually(t, func() bool {
		emitted := col.metric(t, "otelcol_receiver_awscloudtrail_events_emitted")
		for _, pct := range []int{10, 50, 100} {
			if _, ok := marks[pct]; !ok && emitted >= float64(n*pct/100) {
				marks[pct] = procStatus(t, col.cmd.Process.Pid, "VmRSS")
			}
		}
		return len(marks) == 3
	}, 30*time.Minute, 200*time.Millisecond)
	peak := procStatus(t, col.cmd.Process.Pid, "VmHWM")
	mb := func(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
	addPerf(perfRow{run: "4 memory: backfill of 1,000,000 events", figure: "peak RSS " + mb(peak),
		target: "< 100 MB, flat", ok: peak < 100<<20 && marks[100] < marks[10]*3/2,
		notes: fmt.Sprintf("RSS at 10%% %s, 50%% %s, 100%% %s; %s (%.0f events/s)", mb(marks[10]), mb(marks[50]),
			mb(marks[100]), time.Since(began).Round(time.Second), float64(n)/time.Since(began).Seconds())})
	assert.Less(t, peak, int64(100<<20))
}

// procStatus reads a "kB" field of /proc/<pid>/status, in bytes.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	v, err := readStatus(pid, field)
	require.NoError(t, err)
	return v
}

// readStatus reads a field of /proc/<pid>/status in bytes (VmRSS, VmHWM).
func readStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/status %s: %w", pid, field, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// Target 5: with poll_interval 5s, an event is exported at most interval + 1s after it
// becomes visible, at p99.
func TestPerfLatency(t *testing.T) {
	otelcol, emuBin := skipUnlessPerf(t)
	workload := 90 * time.Second
	emu := startEmulator(t, emuBin, "-rps", "2", "-workload-rate", "2", "-workload-duration", workload.String(),
		"-delivery-delay-min", "1s", "-delivery-delay-max", "5s")
	col := startPerfCollector(t, otelcol, emu.url, perfSettings{regions: "[us-east-1]",
		sources: "[lookoutmetrics.amazonaws.com]", startAt: "1m", pollInterval: "5s", exporter: "otlp_http/output", rps: 2})
	tl := startTailer(t, col.output, 20*time.Millisecond)
	time.Sleep(workload + 15*time.Second)
	seen := tl.snapshot()
	var lat []time.Duration
	for _, ev := range emulatorEvents(t, emu.url) {
		if a, ok := seen[ev.EventID]; ok {
			lat = append(lat, a.at.Sub(ev.VisibleAt))
		}
	}
	require.NotEmpty(t, lat)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))].Round(10 * time.Millisecond) }
	addPerf(perfRow{run: "5 latency, poll_interval 5s", figure: "p99 " + p(0.99).String(),
		target: "p99 <= 6s", ok: p(0.99) <= 6*time.Second,
		notes: fmt.Sprintf("visible -> exported over %d events: p50 %s, p90 %s, max %s", len(lat), p(0.5), p(0.9), lat[len(lat)-1].Round(10*time.Millisecond))})
	assert.LessOrEqual(t, p(0.99), 6*time.Second)
}
