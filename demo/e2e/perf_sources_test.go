// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 11: `event_sources: ["*"]` reads all management events of an account-region as
// one stream, against one stream per source. Each poll reads the window (now -
// max_event_delay - poll_interval, now], so a stream makes ceil(events in the window /
// 50) requests a poll: "*" makes one eighth of the 8-stream layout's requests while the
// region's window fits one page, and fewer pages' worth past that. Both layouts run side
// by side at two live rates, each against its own emulator with the same flags and seed
// (so the same event IDs).
func TestPerfAllSourcesVersusEightStreams(t *testing.T) {
	otelcol, emuBin := skipUnlessPerf(t)
	sources := []string{"lookoutmetrics.amazonaws.com", "iam.amazonaws.com", "s3.amazonaws.com", "ec2.amazonaws.com",
		"kms.amazonaws.com", "sts.amazonaws.com", "lambda.amazonaws.com", "cloudformation.amazonaws.com"}
	const (
		history  = 250 // events per source over the last hour
		poll     = 10 * time.Second
		maxDelay = 30 * time.Second // perf.yaml's max_event_delay
		steady   = 3 * time.Minute
	)
	type run struct {
		rate  float64 // live events/s per source
		emu   [2]*emulator
		tail  [2]*tailer
		start [2]int // requests when the steady state began
	}
	layouts := [2]string{"[" + strings.Join(sources, ",") + "]", `["*"]`}
	runs := []*run{{rate: 0.1}, {rate: 0.25}}
	for _, r := range runs {
		for i, l := range layouts {
			r.emu[i] = startEmulator(t, emuBin, "-seed-events", strconv.Itoa(history), "-seed-span", "1h",
				"-seed-source", strings.Join(sources, ","), "-live-rate", strconv.FormatFloat(r.rate, 'f', -1, 64),
				"-rps", "2", "-delivery-delay-min", "0", "-delivery-delay-max", "0")
			col := startPerfCollector(t, otelcol, r.emu[i].url, perfSettings{regions: "[us-east-1]", sources: l,
				startAt: "2h", pollInterval: poll.String(), exporter: "otlp_http/output", rps: 2})
			r.tail[i] = startTailer(t, col.output, 100*time.Millisecond)
		}
	}
	total := history * len(sources)
	require.Eventually(t, func() bool {
		for _, r := range runs {
			if r.tail[0].count() < total || r.tail[1].count() < total {
				return false
			}
		}
		return true
	}, 5*time.Minute, 500*time.Millisecond, "every layout exports the history")
	time.Sleep(maxDelay + poll) // past the catch-up's last slices
	for _, r := range runs {
		r.start = [2]int{sumRequests(orgRates(t, r.emu[0].url, poll)), sumRequests(orgRates(t, r.emu[1].url, poll))}
	}
	time.Sleep(steady)
	polls := steady.Seconds() / poll.Seconds()
	for _, r := range runs {
		var perPoll [2]float64
		for i := range layouts {
			perPoll[i] = float64(sumRequests(orgRates(t, r.emu[i].url, poll))-r.start[i]) / polls
		}
		ratio := perPoll[1] / perPoll[0]
		window := r.rate * float64(len(sources)) * (poll + maxDelay).Seconds() // events a poll reads in the region
		want := math.Ceil(window/50) / (float64(len(sources)) * math.Ceil(window/float64(len(sources))/50))
		eight, all := r.tail[0].snapshot(), r.tail[1].snapshot()
		common, bySource := 0, map[string]bool{}
		for id := range eight {
			if _, ok := all[id]; ok {
				common++
			}
		}
		for _, a := range all {
			bySource[a.source] = true
		}
		addPerf(perfRow{run: fmt.Sprintf(`11 "*" vs 8 sources, %g events/s each`, r.rate),
			figure: fmt.Sprintf("%.2f vs %.2f LookupEvents per poll (x%.3f)", perPoll[1], perPoll[0], ratio),
			target: fmt.Sprintf("x%.3f (pages of a %.0f-event window)", want, window), ok: math.Abs(ratio-want) <= 0.05,
			notes: fmt.Sprintf("one region, %s poll, max_event_delay %s, %s steady; catch-up of %d history events: "+
				"%d requests (\"*\") vs %d (8 streams); %d of %d event IDs common; \"*\" exported %d sources",
				poll, maxDelay, steady, total, r.start[1], r.start[0], common, len(eight), len(bySource))})
		assert.InDelta(t, want, ratio, 0.05, "rate %g", r.rate)
		assert.GreaterOrEqual(t, common, total, "both layouts export the same history")
		assert.Len(t, bySource, len(sources), `"*" exports every source`)
	}
}
