// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// live starts an emulator with a Lookout for Metrics workload of rate calls/s for d and
// no quota, so that several agents can poll it.
func live(t *testing.T, bin string, rate float64, d time.Duration, extra ...string) *emulator {
	t.Helper()
	args := append([]string{"-rps", "-1", "-workload-rate", fmt.Sprint(rate), "-workload-duration", d.String(),
		"-delivery-delay-min", "1s", "-delivery-delay-max", "3s", "-seed", "31"}, extra...)
	return startEmulator(t, bin, args...)
}

func idsOfEvents(evs []emulatorEvent) []string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = ev.EventID
	}
	return ids
}

// Scenario 3: events visible up to max_event_delay after their eventTime are delivered
// once; later ones are the documented limit, counted here.
func TestReliabilityLateDelivery(t *testing.T) {
	otelcol, emuBin := binaries(t)
	window, workload := 10*time.Second, 12*time.Second
	if full {
		workload = 60 * time.Second
	}
	emu := live(t, emuBin, 5, workload, "-delivery-delay-max", "9s", "-late-rate", "0.2", "-late-extra", "12s")
	snk := startSink(t, otelcol)
	a := newAgent(t, otelcol, emu.url, snk.endpoint(), agentSettings{startAt: "5m", maxEventDelay: window, rps: 2, retryElapsed: 30 * time.Second})
	began := time.Now()
	a.start()
	time.Sleep(workload + 9*time.Second + 12*time.Second + 4*time.Second) // every event visible, and polled
	evs := emulatorEvents(t, emu.url)
	require.NotEmpty(t, evs)
	var within, beyond, edge []string
	for _, ev := range evs {
		switch delay := ev.VisibleAt.Sub(ev.EventTime); {
		case delay <= window:
			within = append(within, ev.EventID)
		case delay > window+2*time.Second: // past the window by more than a poll and the eventTime rounding
			beyond = append(beyond, ev.EventID)
		default:
			edge = append(edge, ev.EventID)
		}
	}
	got := snk.eventIDs(t)
	delivered, lost, dups := tally(within, got)
	beyondDelivered, _, _ := tally(beyond, got)
	edgeDelivered, _, _ := tally(edge, got)
	addOutcome(outcome{scenario: "3 late delivery (max_event_delay 10s)", expected: len(within), delivered: delivered,
		lost: lost, duplicated: dups, took: time.Since(began), notes: fmt.Sprintf(
			"later than the window: %d events, %d missed (the documented limit); within 2s past it: %d, %d delivered",
			len(beyond), len(beyond)-beyondDelivered, len(edge), edgeDelivered)})
	assert.Zero(t, lost, "every event visible within max_event_delay is delivered")
	assert.Zero(t, dups)
}

// Scenario 4: the downstream collector is down for a while; refused batches are read
// again, nothing is lost, and the API is not flooded meanwhile.
func TestReliabilityDownstreamOutage(t *testing.T) {
	otelcol, emuBin := binaries(t)
	outage := 10 * time.Second
	if full {
		outage = time.Minute
	}
	emu := live(t, emuBin, 5, outage+10*time.Second)
	snk := startSink(t, otelcol)
	a := newAgent(t, otelcol, emu.url, snk.endpoint(), agentSettings{startAt: "5m", maxEventDelay: 30 * time.Second, rps: 2, retryElapsed: 2 * time.Second})
	began := time.Now()
	a.start()
	time.Sleep(4 * time.Second)
	require.NoError(t, snk.stop())
	before := a.lookups(t)
	time.Sleep(outage)
	during := int(a.lookups(t) - before)
	snk.start()
	time.Sleep(10 * time.Second) // the workload ends
	ids := idsOfEvents(emulatorEvents(t, emu.url))
	waitDelivered(t, snk, ids, 2*time.Minute)
	delivered, lost, dups := tally(ids, snk.eventIDs(t))
	refused := a.metric(t, "otelcol_exporter_send_failed_log_records")
	addOutcome(outcome{scenario: "4 downstream outage", expected: len(ids), delivered: delivered, lost: lost,
		duplicated: dups, took: time.Since(began), notes: fmt.Sprintf(
			"sink down %s: %d LookupEvents requests meanwhile (%.1f/s, quota 2/s), %d records refused and read again",
			outage, during, float64(during)/outage.Seconds(), int(refused))})
	assert.Zero(t, lost)
	assert.LessOrEqual(t, float64(during)/outage.Seconds(), 2.0, "no flood while the pipeline refuses")
}

// Scenario 5: the API fails every request for minutes; the receiver backs off, reports
// it, and catches up without a gap when the API is back.
func TestReliabilityLongAPIOutage(t *testing.T) {
	otelcol, emuBin := binaries(t)
	outage := 20 * time.Second
	if full {
		outage = 3 * time.Minute
	}
	emu := live(t, emuBin, 5, outage+10*time.Second)
	snk := startSink(t, otelcol)
	a := newAgent(t, otelcol, emu.url, snk.endpoint(), agentSettings{startAt: "5m", maxEventDelay: 30 * time.Second, rps: 2, retryElapsed: 30 * time.Second})
	began := time.Now()
	a.start()
	time.Sleep(4 * time.Second)
	emu.setFaults(t, map[string]any{"errorRate": 1.0})
	before := a.lookups(t)
	time.Sleep(outage)
	emu.setFaults(t, map[string]any{})
	during := int(a.lookups(t) - before)
	time.Sleep(10 * time.Second)
	ids := idsOfEvents(emulatorEvents(t, emu.url))
	waitDelivered(t, snk, ids, 2*time.Minute)
	delivered, lost, dups := tally(ids, snk.eventIDs(t))
	logs := a.out.String()
	addOutcome(outcome{scenario: "5 long API outage (all 5xx)", expected: len(ids), delivered: delivered, lost: lost,
		duplicated: dups, took: time.Since(began), notes: fmt.Sprintf(
			"API down %s: %d LookupEvents attempts meanwhile (%.1f/s), failure logged and reported: %v, recovery logged: %v",
			outage, during, float64(during)/outage.Seconds(), strings.Contains(logs, "Poll failed; retrying"),
			strings.Contains(logs, "Poll recovered"))})
	assert.Zero(t, lost)
	assert.Zero(t, dups)
	assert.LessOrEqual(t, float64(during)/outage.Seconds(), 2.0, "retries stay within the quota")
	if full { // shorter outages are absorbed by the SDK's own retries, with no failed poll
		assert.Contains(t, logs, "Poll failed; retrying")
		assert.Contains(t, logs, "Poll recovered")
	}
}
