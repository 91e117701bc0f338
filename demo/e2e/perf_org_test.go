// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// Issue 11's measurement: one collector, 50 accounts x 17 regions = 850 account-regions
// found by organization discovery and read through a role in each, each with 1 hour of
// history and 1 event/s of live traffic. Every stream catches up, then each stream's lag
// (exported - eventTime; the emulator shows events at once) stays within poll_interval +
// 5s at p99; it reports the collector's CPU share, peak RSS (target <= 300 MB),
// goroutines and requests/s per account-region (never above the quota of 2).
//
// It needs E2E_PERF_ORG=1 besides E2E_PERF=1 (`make bench` leaves it out): 6 GB of
// emulator memory or more (3.06 million seeded events, then 0.85 million live ones
// every 17 minutes; 5.8 GB measured 20 minutes in), minutes of seeding and a run of up
// to an hour. Run it alone with `make perf-org`, or from demo/:
//
//	E2E_PERF=1 E2E_PERF_ORG=1 OTELCOL_BIN=... AWSEMU_BIN=... go test -count=1 -timeout 120m -run TestPerfOrganization -v ./e2e
//
// E2E_ORG_ACCOUNTS (50), E2E_ORG_REGIONS (17, the first n of orgPerfRegions),
// E2E_ORG_HISTORY (1h, seeded at 1 event/s) and E2E_ORG_STEADY (5m, the measured steady
// state) shrink it, for a smoke run. E2E_PERF_PROFILES names a directory for the
// collector's heap profiles: at its RSS peak, when caught up and at the end.

var orgPerfRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1",
	"eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
	"ap-southeast-1", "ap-southeast-2", "sa-east-1", "me-south-1"}

const (
	orgPerfPoll     = 30 * time.Second
	orgPerfRole     = "otel-cloudtrail-reader"
	orgPerfExternal = "perf-org-ext"
	orgRateWindow   = 10 * time.Second // requests/s per account-region: the most in any such window
)

// orgPerfScale is the size of the run.
type orgPerfScale struct {
	accounts int
	regions  []string
	history  time.Duration // seeded at 1 event/s per account-region
	steady   time.Duration
}

func (s orgPerfScale) streams() int { return s.accounts * len(s.regions) }

func (s orgPerfScale) historyEvents() int { return int(s.history / time.Second) }

func orgPerfScaleFromEnv(t *testing.T) orgPerfScale {
	t.Helper()
	s := orgPerfScale{accounts: 50, regions: orgPerfRegions, history: time.Hour, steady: 5 * time.Minute}
	if v := os.Getenv("E2E_ORG_ACCOUNTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "E2E_ORG_ACCOUNTS")
		require.Positive(t, n, "E2E_ORG_ACCOUNTS")
		s.accounts = n
	}
	if v := os.Getenv("E2E_ORG_REGIONS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "E2E_ORG_REGIONS")
		require.True(t, n >= 1 && n <= len(orgPerfRegions), "E2E_ORG_REGIONS: 1 to %d", len(orgPerfRegions))
		s.regions = orgPerfRegions[:n]
	}
	for name, d := range map[string]*time.Duration{"E2E_ORG_HISTORY": &s.history, "E2E_ORG_STEADY": &s.steady} {
		if v := os.Getenv(name); v != "" {
			var err error
			*d, err = time.ParseDuration(v)
			require.NoError(t, err, name)
			require.GreaterOrEqual(t, *d, time.Minute, name)
		}
	}
	return s
}

func TestPerfOrganization850AccountRegions(t *testing.T) {
	otelcol, emuBin := skipUnlessPerf(t)
	if os.Getenv("E2E_PERF_ORG") == "" {
		t.Skip("the organisation-scale run is for `make perf-org` (E2E_PERF_ORG=1)")
	}
	sc := orgPerfScaleFromEnv(t)
	streams, history := sc.streams(), sc.historyEvents()
	load0 := loadAvg(t)
	emu := startOrgEmulator(t, emuBin, sc)
	ot := newOrgTailer(time.Now(), history) // history: every event before the collector starts
	pprofPort := freePort(t)
	col := startOrgCollector(t, otelcol, emu.url, sc, ot, pprofPort)
	began := ot.history
	prof := startHeapProfiler(t, os.Getenv("E2E_PERF_PROFILES"), pprofPort, col.cmd.Process.Pid)
	cpu0 := procCPU(t, col.cmd.Process.Pid)

	lastLog := time.Now()
	require.Eventually(t, func() bool {
		n := ot.caughtUp()
		if time.Since(lastLog) >= time.Minute { // progress, for a run that does not finish
			lastLog = time.Now()
			t.Logf("%s: %d of %d streams caught up, %d events, collector RSS %d MB, load %s", time.Since(began).Round(time.Second),
				n, streams, ot.events(), procStatus(t, col.cmd.Process.Pid, "VmRSS")>>20, loadAvg(t))
		}
		return n == streams
	}, 45*time.Minute, 2*time.Second, "every account-region exports its whole history")
	historyDone := time.Since(began)
	target := orgPerfPoll + 5*time.Second
	// Caught up means reading the present: the live events of the catch-up's minutes come
	// after the history, so every stream must also have exported an event of the last
	// target before the steady state is measured.
	require.Eventually(t, func() bool { return ot.current(time.Now(), target) == streams }, 30*time.Minute, 2*time.Second,
		"every account-region reads the present")
	caughtUp := time.Now()
	cpuCaught, loadCaught, rssCaught := procCPU(t, col.cmd.Process.Pid), loadAvg(t), procStatus(t, col.cmd.Process.Pid, "VmRSS")
	requestsCaught := sumRequests(orgRates(t, emu.url, orgRateWindow))
	caughtWall := time.Since(began)
	prof.snapshot(t, "caught-up")
	t.Logf("history exported in %s, present reached in %s", historyDone.Round(time.Second), caughtWall.Round(time.Second))
	time.Sleep(sc.steady) // the steady state: live traffic only
	steadyEnd := time.Now()
	cpuEnd, loadEnd := procCPU(t, col.cmd.Process.Pid), loadAvg(t)
	peak, emuPeak := procStatus(t, col.cmd.Process.Pid, "VmHWM"), procStatus(t, emu.cmd.Process.Pid, "VmHWM")
	rssEnd := procStatus(t, col.cmd.Process.Pid, "VmRSS")
	rates := orgRates(t, emu.url, orgRateWindow)
	prof.snapshot(t, "steady")
	if prof != nil {
		prof.close()
		t.Logf("heap profiles in %s; peak.pb.gz was taken at RSS %d MB", os.Getenv("E2E_PERF_PROFILES"), prof.peakRSS()>>20)
	}
	goroutines := goroutineCount(t, col)

	// Live events of (caughtUp, steadyEnd-target-2s]: each must have arrived within
	// target, so one that is missing counts as late.
	window := steadyEnd.Add(-target - 2*time.Second).Sub(caughtUp)
	live := ot.liveLags(caughtUp, caughtUp.Add(window))
	require.Len(t, live, streams, "live events of every account-region arrive after the catch-up")
	worst, all, missing := time.Duration(0), []time.Duration{}, 0
	for _, l := range live {
		worst = max(worst, percentile(l, 0.99))
		all = append(all, l...)
		missing += max(0, int(window/time.Second)-1-len(l)) // the feed adds exactly 1 event/s
	}
	require.Len(t, rates, streams, "LookupEvents from every account-region, and none from the excluded management account")
	var peakWindow, throttled int
	for _, r := range rates {
		peakWindow, throttled = max(peakWindow, r.MaxInWindow), throttled+r.Throttled
	}
	requests := sumRequests(rates)
	steadyPolls := float64(streams) * steadyEnd.Sub(caughtUp).Seconds() / orgPerfPoll.Seconds()
	peakRate := float64(peakWindow) / orgRateWindow.Seconds()
	// The quota is a token bucket of 2 requests/s with a burst of 2 (the emulator's, as
	// CloudTrail's): at most 2 x 10 + 2 requests fit in a 10 s window without a throttle.
	quotaWindow := int(2*orgRateWindow.Seconds()) + 2
	share := func(cpu, wall time.Duration) float64 { return 100 * cpu.Seconds() / wall.Seconds() }
	name := fmt.Sprintf("11 organisation: %d accounts x %d regions", sc.accounts, len(sc.regions))
	addPerf(perfRow{run: name,
		figure: fmt.Sprintf("worst stream p99 lag %s, peak RSS %.0f MB", worst.Round(100*time.Millisecond), float64(peak)/(1<<20)),
		target: fmt.Sprintf("every stream p99 <= %s, RSS <= 300 MB, <= 2 req/s per account-region", target),
		ok:     worst <= target && missing == 0 && peak <= 300<<20 && peakWindow <= quotaWindow,
		notes: fmt.Sprintf("catch-up of %d events in %s (collector CPU %.0f%% of a core, RSS then %d MB); steady %s: CPU %.1f%%, RSS at the end %d MB, "+
			"all-stream p50/p99/max lag %s/%s/%s over %d live events, %d late or missing; %d goroutines; "+
			"%d LookupEvents (steady state: %.2f per stream per poll), %d throttled, peak %.1f req/s per account-region over %s (%d requests, the quota's bucket allows %d); "+
			"load average %s before, %s at catch-up, %s at the end; emulator peak RSS %.0f MB",
			streams*history, caughtWall.Round(time.Second), share(cpuCaught-cpu0, caughtWall), rssCaught>>20,
			sc.steady, share(cpuEnd-cpuCaught, steadyEnd.Sub(caughtUp)), rssEnd>>20, percentile(all, 0.5).Round(100*time.Millisecond),
			percentile(all, 0.99).Round(100*time.Millisecond), slices.Max(all).Round(100*time.Millisecond), len(all), missing,
			goroutines, requests, float64(requests-requestsCaught)/steadyPolls, throttled, peakRate, orgRateWindow, peakWindow, quotaWindow, load0, loadCaught, loadEnd,
			float64(emuPeak)/(1<<20))})
	assert.LessOrEqual(t, worst, target)
	assert.Zero(t, missing, "live events missing past the lag target")
	assert.LessOrEqual(t, peak, int64(300<<20))
	assert.LessOrEqual(t, peakWindow, quotaWindow, "never above the quota")
	assert.LessOrEqual(t, throttled, requests/100)
}

// startOrgEmulator seeds the organization.
func startOrgEmulator(t *testing.T, bin string, sc orgPerfScale) *emulator {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	// -lazy-records: about 750 B of heap per event instead of 1.7 KB (the record's JSON is
	// built when LookupEvents returns it), so 2.3 GB seeded plus 0.6 MB/s from the live
	// feed; GOGC=50 keeps the heap's headroom to a half.
	p := start(t, "awsemu", childEnv("GOGC=50"), bin, "-addr", addr, "-lazy-records", "-accounts-count", strconv.Itoa(sc.accounts),
		"-seed-regions", strings.Join(sc.regions, ","), "-seed-events", strconv.Itoa(sc.historyEvents()),
		"-seed-span", sc.history.String(), "-live-rate", "1", "-rps", "2", "-delivery-delay-min", "0",
		"-delivery-delay-max", "0", "-role-name", orgPerfRole, "-external-id", orgPerfExternal)
	line := p.waitForLine(t, "awsemu listening on ", 30*time.Minute)
	_, url, ok := strings.Cut(line, "awsemu listening on ")
	require.True(t, ok)
	return &emulator{process: p, url: strings.TrimSpace(url)}
}

// startOrgCollector starts the collector on testdata/e2e/perf_org.yaml, exporting over
// OTLP/HTTP straight into ot (no file: millions of records).
func startOrgCollector(t *testing.T, bin, url string, sc orgPerfScale, ot *orgTailer, pprofPort int) *collector {
	t.Helper()
	c := &collector{metricsPort: freePort(t)}
	env := childEnv("E2E_PPROF_PORT="+strconv.Itoa(pprofPort), "E2E_EMULATOR_URL="+url, "AWS_ENDPOINT_URL_ORGANIZATIONS="+url, "E2E_OUTPUT_URL="+ot.serve(t),
		"E2E_METRICS_PORT="+strconv.Itoa(c.metricsPort), "E2E_REGIONS=["+strings.Join(sc.regions, ",")+"]",
		"E2E_START_AT="+(sc.history+30*time.Minute).String(), // the seeding's oldest events, however long it took
		"E2E_POLL_INTERVAL="+orgPerfPoll.String(), "E2E_ROLE_NAME="+orgPerfRole, "E2E_EXTERNAL_ID="+orgPerfExternal,
		"GOTRACEBACK=all")
	c.process = start(t, "otelcol-cloudtrail", env, bin, "--config", "../../testdata/e2e/perf_org.yaml")
	c.waitForLine(t, "Everything is ready", 120*time.Second)
	return c
}

// procCPU is the user plus system CPU time of a process.
func procCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(t, err)
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:])) // after "pid (comm) "
	utime, err := strconv.ParseInt(fields[11], 10, 64)
	require.NoError(t, err)
	stime, err := strconv.ParseInt(fields[12], 10, 64)
	require.NoError(t, err)
	return time.Duration(utime+stime) * time.Second / 100 // clock ticks (USER_HZ = 100)
}

// loadAvg is the machine's 1, 5 and 15 minute load averages: the run shares its cores.
func loadAvg(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/loadavg")
	require.NoError(t, err)
	return strings.Join(strings.Fields(string(b))[:3], "/")
}

// goroutineHeader starts each goroutine of a dump: "goroutine 1 [select]:", or as Go
// 1.26 prints it, "goroutine 1 gp=0x... m=nil [select]:".
var goroutineHeader = regexp.MustCompile(`(?m)^goroutine \d+ [^\n]*\[`)

// goroutineCount ends the collector with SIGQUIT (GOTRACEBACK=all) and counts the
// goroutines of its dump: the distribution has no pprof endpoint.
func goroutineCount(t *testing.T, c *collector) int {
	t.Helper()
	c.killed = true // exit status 2 is expected
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGQUIT))
	select {
	case <-c.done:
	case <-time.After(time.Minute):
		t.Fatal("the collector did not dump its goroutines")
	}
	n := len(goroutineHeader.FindAllStringIndex(c.out.String(), -1))
	require.Positive(t, n, "no goroutine dump in the collector's output:\n%s", tail(c.out.String(), 2000))
	return n
}

// orgRates is the emulator's LookupEvents requests per account-region, with the most
// received within any window.
func orgRates(t *testing.T, url string, window time.Duration) []awsemu.RateStats {
	t.Helper()
	resp, err := http.Get(url + awsemu.AdminPrefix + "rates?operation=LookupEvents&window=" + window.String())
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var out []awsemu.RateStats
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

func sumRequests(rates []awsemu.RateStats) int {
	n := 0
	for _, r := range rates {
		n += r.Requests
	}
	return n
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}
