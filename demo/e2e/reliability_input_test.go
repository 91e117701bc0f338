// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Scenario 6: malformed CloudTrailEvent strings and truncated responses. A malformed event
// is counted and skipped, a truncated response is retried; nothing else is lost.
func TestReliabilityBadInput(t *testing.T) {
	otelcol, emuBin := binaries(t)
	n := 800
	if full {
		n = 3000
	}
	emu, ids := seeded(t, emuBin, n, "10", "-malformed-rate", "0.05")
	snk := startSink(t, otelcol)
	a := newAgent(t, otelcol, emu.url, snk.endpoint(), agentSettings{startAt: "2h", maxEventDelay: 15 * time.Second, rps: 10, retryElapsed: 30 * time.Second})
	began := time.Now()
	emu.setFaults(t, map[string]any{"malformedRate": 0.05, "truncateResponses": true})
	a.start()
	time.Sleep(2 * time.Second)
	emu.setFaults(t, map[string]any{"malformedRate": 0.05})
	var malformed float64
	assert.Eventually(t, func() bool {
		delivered, _, _ := tally(ids, snk.eventIDs(t))
		malformed = a.metric(t, "otelcol_receiver_awscloudtrail_malformed_events")
		return delivered+int(malformed) >= n
	}, 5*time.Minute, 500*time.Millisecond)
	delivered, missing, dups := tally(ids, snk.eventIDs(t))
	lost := missing - int(malformed)
	addOutcome(outcome{scenario: "6 bad input (5% malformed, truncated responses)", expected: n - int(malformed),
		delivered: delivered, lost: lost, duplicated: dups, took: time.Since(began), notes: fmt.Sprintf(
			"%d malformed events counted and skipped; %d failed attempts (truncated responses) retried",
			int(malformed), int(a.lookups(t)-a.metric(t, "otelcol_receiver_awscloudtrail_api_requests", `outcome="success"`)))})
	assert.Zero(t, lost, "only the malformed events are missing")
	assert.Positive(t, malformed)
	assert.Zero(t, dups)
}

// Scenario 7: invalid configurations fail at startup with a message that names the key.
func TestReliabilityBadConfig(t *testing.T) {
	otelcol, _ := binaries(t)
	cases := map[string]string{
		"poll_interval":       "poll_interval: -1s",
		"read_only":           "read_only: readonly",
		"body":                "body: json",
		"start_at":            "start_at: yesterday",
		"event_sources[0]":    `event_sources: [""]`,
		"regions[1]":          "regions: [us-east-1, useast1]",
		"max_event_delay":     "max_event_delay: -5m",
		"requests_per_second": "requests_per_second: 0",
		"endpoint":            "endpoint: localhost:4566",
		"role_arn":            "role_arn: arn:aws:iam::1:user/x",
	}
	began := time.Now()
	named := 0
	for key, line := range cases {
		out, err := validate(t, otelcol, line)
		if assert.Error(t, err, key) && assert.Contains(t, out, key, "the error names the key") {
			named++
		}
	}
	addOutcome(outcome{scenario: "7 bad config", expected: len(cases), delivered: named, lost: len(cases) - named,
		took: time.Since(began), notes: "delivered = invalid configs refused at startup with the key named"})
}

// validate runs `otelcol-cloudtrail validate` on a config whose receiver has line.
func validate(t *testing.T, bin, line string) (string, error) {
	t.Helper()
	if !strings.HasPrefix(line, "regions:") {
		line = "regions: [us-east-1]\n    " + line
	}
	cfg := fmt.Sprintf(`receivers:
  awscloudtrail:
    %s
exporters:
  debug:
service:
  pipelines:
    logs:
      receivers: [awscloudtrail]
      exporters: [debug]
`, line)
	path := filepath.Join(t.TempDir(), "bad.yaml")
	assert.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	cmd := exec.Command(bin, "validate", "--config", path)
	cmd.Env = childEnv()
	out, err := cmd.CombinedOutput()
	return string(out), err
}
