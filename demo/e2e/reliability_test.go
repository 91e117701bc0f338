// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sliceBound is the most events a crash may re-emit: one slice (poll.Settings.MaxEvents
// plus the page that crossed it).
const sliceBound = 2500 + 50

// seeded starts an emulator holding n Lookout for Metrics events of the last hour,
// visible at once, behind a quota of rps requests/s, and returns their IDs.
func seeded(t *testing.T, bin string, n int, rps string, extra ...string) (*emulator, []string) {
	t.Helper()
	args := append([]string{"-seed-events", strconv.Itoa(n), "-seed-span", "1h", "-rps", rps,
		"-delivery-delay-min", "0", "-delivery-delay-max", "0", "-seed", "21"}, extra...)
	emu := startEmulator(t, bin, args...)
	evs := emulatorEvents(t, emu.url)
	require.Len(t, evs, n)
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = ev.EventID
	}
	return emu, ids
}

// waitDelivered waits until the sink holds every id, or timeout.
func waitDelivered(t *testing.T, snk *sink, ids []string, timeout time.Duration) {
	t.Helper()
	assert.Eventually(t, func() bool {
		_, lost, _ := tally(ids, snk.eventIDs(t))
		return lost == 0
	}, timeout, 500*time.Millisecond)
}

// Scenario 1: the agent is killed with SIGKILL at random moments of a backfill, five
// times, and restarted on the same file_storage checkpoints.
func TestReliabilityCrashRestart(t *testing.T) {
	otelcol, emuBin := binaries(t)
	// Kill moments spread over the backfill, so that some fall between slices and the
	// restarts resume from checkpoints.
	n, rps, maxUp := 3000, 10.0, 5*time.Second
	if full {
		n, rps, maxUp = 5000, 2, 45*time.Second
	}
	emu, ids := seeded(t, emuBin, n, strconv.FormatFloat(rps, 'f', -1, 64))
	snk := startSink(t, otelcol)
	a := newAgent(t, otelcol, emu.url, snk.endpoint(), agentSettings{startAt: "2h", maxEventDelay: 15 * time.Second, rps: rps, retryElapsed: 30 * time.Second})
	rng := rand.New(rand.NewPCG(1, 2)) // a fixed schedule of crash moments
	began := time.Now()
	const crashes = 5
	resumed := 0
	for range crashes {
		a.start()
		time.Sleep(500*time.Millisecond + time.Duration(rng.Int64N(int64(maxUp)))) // the random moment
		a.kill()
		if strings.Contains(a.out.String(), "Resuming from checkpoint") {
			resumed++
		}
	}
	a.start()
	waitDelivered(t, snk, ids, 10*time.Minute)
	delivered, lost, dups := tally(ids, snk.eventIDs(t))
	addOutcome(outcome{scenario: "1 crash and restart (SIGKILL x5)", expected: n, delivered: delivered, lost: lost,
		duplicated: dups, took: time.Since(began), notes: fmt.Sprintf(
			"%d of %d restarts resumed from a checkpoint; duplicates bound: one slice (%d) per crash", resumed, crashes, sliceBound)})
	assert.Zero(t, lost)
	assert.LessOrEqual(t, dups, crashes*sliceBound)
}

// Scenario 2: 5xx, a throttling storm, invalidated NextTokens and a latency spike.
func TestReliabilityAPIFaults(t *testing.T) {
	otelcol, emuBin := binaries(t)
	n, rps, spike := 600, 10.0, 2*time.Second
	if full {
		n, rps, spike = 2000, 2, 35*time.Second // beyond the 30s per-attempt timeout
	}
	emu, ids := seeded(t, emuBin, n, strconv.FormatFloat(rps, 'f', -1, 64), "-error-rate", "0.1")
	snk := startSink(t, otelcol)
	a := newAgent(t, otelcol, emu.url, snk.endpoint(), agentSettings{startAt: "2h", maxEventDelay: 15 * time.Second, rps: rps, retryElapsed: 30 * time.Second})
	began := time.Now()
	emu.setFaults(t, map[string]any{"errorRate": 0.1, "throttleStorm": true, "throttleStormFor": "5s"})
	a.start()
	time.Sleep(6 * time.Second)
	emu.setFaults(t, map[string]any{"errorRate": 0.1, "invalidateTokens": true})
	time.Sleep(3 * time.Second)
	emu.setFaults(t, map[string]any{"errorRate": 0.1, "latency": spike.String()})
	time.Sleep(time.Second)
	emu.setFaults(t, map[string]any{"errorRate": 0.1})
	waitDelivered(t, snk, ids, 10*time.Minute)
	delivered, lost, dups := tally(ids, snk.eventIDs(t))
	retries := a.metric(t, "otelcol_receiver_awscloudtrail_api_requests", `outcome="server_error"`)
	throttled := a.metric(t, "otelcol_receiver_awscloudtrail_throttled_requests")
	st := emu.stats(t)
	addOutcome(outcome{scenario: "2 API faults (5xx 10%, storm, tokens, latency)", expected: n, delivered: delivered,
		lost: lost, duplicated: dups, took: time.Since(began), notes: faultNotes(retries, throttled, st, spike)})
	assert.Zero(t, lost)
	assert.Zero(t, dups)
	assert.Positive(t, retries, "the receiver's metrics show the retried 5xx")
	assert.Positive(t, throttled, "the receiver's metrics show the throttling")
}

func faultNotes(retries, throttled float64, st emulatorStats, spike time.Duration) string {
	return "receiver saw " + strconv.Itoa(int(retries)) + " 5xx and " + strconv.Itoa(int(throttled)) +
		" throttles, all retried; emulator answered " + strconv.Itoa(st.Requests) + " requests; latency spike " + spike.String()
}
