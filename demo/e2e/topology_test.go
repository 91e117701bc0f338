// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// agentSettings are the knobs of testdata/e2e/agent.yaml.
type agentSettings struct {
	startAt       string        // start_at
	maxEventDelay time.Duration // max_event_delay
	rps           float64       // requests_per_second
	retryElapsed  time.Duration // the otlp exporter's retry budget before it refuses a batch
}

// agent is an otelcol-cloudtrail that polls the emulator and exports OTLP to a sink.
type agent struct {
	*collector
	bin, emulatorURL, storageDir, sinkEndpoint string
	set                                        agentSettings
	t                                          *testing.T
}

func newAgent(t *testing.T, bin, emulatorURL, sinkEndpoint string, set agentSettings) *agent {
	return &agent{bin: bin, emulatorURL: emulatorURL, storageDir: t.TempDir(), sinkEndpoint: sinkEndpoint, set: set, t: t}
}

// start runs a new agent process on the same checkpoint storage.
func (a *agent) start() {
	a.t.Helper()
	c := &collector{metricsPort: freePort(a.t)}
	env := childEnv(
		"E2E_EMULATOR_URL="+a.emulatorURL,
		"E2E_STORAGE_DIR="+a.storageDir,
		"E2E_SINK_ENDPOINT="+a.sinkEndpoint,
		"E2E_METRICS_PORT="+strconv.Itoa(c.metricsPort),
		"E2E_START_AT="+a.set.startAt,
		"E2E_MAX_EVENT_DELAY="+a.set.maxEventDelay.String(),
		"E2E_RPS="+strconv.FormatFloat(a.set.rps, 'f', -1, 64),
		"E2E_RETRY_MAX_ELAPSED="+a.set.retryElapsed.String(),
		"E2E_LOG_LEVEL=info",
	)
	c.process = start(a.t, "agent", env, a.bin, "--config", "../../testdata/e2e/agent.yaml")
	c.waitForLine(a.t, "Everything is ready", 60*time.Second)
	a.collector = c
}

// kill ends the agent with SIGKILL: no shutdown, no last checkpoint write.
func (a *agent) kill() {
	a.t.Helper()
	a.killed = true
	require.NoError(a.t, a.cmd.Process.Kill())
	<-a.done
}

// sink is a collector that receives OTLP and appends it to a file.
type sink struct {
	*collector
	bin  string
	port int
	t    *testing.T
}

func startSink(t *testing.T, bin string) *sink {
	t.Helper()
	s := &sink{bin: bin, port: freePort(t), t: t}
	s.collector = &collector{output: filepath.Join(t.TempDir(), "sink.json")}
	s.start()
	return s
}

func (s *sink) endpoint() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// start (re)starts the sink process; its file is appended to.
func (s *sink) start() {
	s.t.Helper()
	env := childEnv("E2E_OTLP_PORT="+strconv.Itoa(s.port), outputEnv(s.t, s.output))
	s.process = start(s.t, "sink", env, s.bin, "--config", "../../testdata/e2e/sink.yaml")
	s.waitForLine(s.t, "Everything is ready", 60*time.Second)
}

// eventIDs counts the exported records per CloudTrail event ID.
func (c *collector) eventIDs(t *testing.T) map[string]int {
	t.Helper()
	ids := make(map[string]int)
	for _, r := range c.records(t) {
		ids[r.attr("aws.cloudtrail.event_id")]++
	}
	return ids
}

// setFaults replaces the emulator's fault knobs through its admin API.
func (e *emulator) setFaults(t *testing.T, faults map[string]any) {
	t.Helper()
	body, err := json.Marshal(faults)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, e.url+"/_awsemu/faults", bytes.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// stats is the emulator's request counters.
func (e *emulator) stats(t *testing.T) emulatorStats {
	t.Helper()
	body, err := httpGet(e.url + "/_awsemu/stats")
	require.NoError(t, err)
	var s struct {
		Requests emulatorStats `json:"requests"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &s))
	return s.Requests
}

type emulatorStats struct {
	Requests, Succeeded, Throttled, ClientErrors, ServerErrors int
}

// lookups is the number of LookupEvents attempts the agent made, from its own metrics.
func (c *collector) lookups(t *testing.T) float64 {
	t.Helper()
	return c.metric(t, "otelcol_receiver_awscloudtrail_api_requests")
}
