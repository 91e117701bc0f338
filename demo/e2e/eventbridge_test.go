// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

// eventBridgeDelay is the emulator's LookupEvents delivery delay in this test: minutes-like
// (AWS: about 5 minutes), so the EventBridge path wins the race and LookupEvents, the gap
// filler, finds every call already emitted.
const eventBridgeDelayMin, eventBridgeDelayMax = "30s", "60s"

// TestEventBridgeAndLookupEventsEmitEachCallOnce is the SQS input's proof 4: one receiver
// runs LookupEvents and the SQS input on one queue that gets, from the emulator, every call
// at once as an EventBridge event and every 5 s as a trail file with its S3 notification
// (versitygw, fauxqs). The calls are tracedclient's, traced by otelaws and by the X-Ray SDK,
// their spans exported to the collector, whose awsrequestid processor stamps the records.
// Every call is exported exactly once (LookupEvents and the trail files find each already
// emitted), every traced record carries its call's trace and span, and the time from the
// call (its eventTime) to the export has a p50 under 10 s.
func TestEventBridgeAndLookupEventsEmitEachCallOnce(t *testing.T) {
	otelcol, emuBin := binaries(t)
	traced := os.Getenv("TRACEDCLIENT_BIN")
	if traced == "" {
		t.Skip("needs TRACEDCLIENT_BIN; `make test` builds it")
	}
	s3URL, sqsURL := sqstest.StartVersityGW(t), sqstest.StartFauxqs(t)
	queue := sqsURL + "/000000000000/cloudtrail-events"
	// The S3 server checks signatures: the emulator's feed and the collector sign with its keys.
	creds := []string{"AWS_ACCESS_KEY_ID=" + sqstest.AccessKey, "AWS_SECRET_ACCESS_KEY=" + sqstest.SecretKey}

	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	emuProc := start(t, "awsemu", childEnv(creds...), emuBin, "-addr", addr,
		"-delivery-delay-min", eventBridgeDelayMin, "-delivery-delay-max", eventBridgeDelayMax,
		"-sqs-endpoint", sqsURL, "-s3-endpoint", s3URL, "-trail-bucket", "trail", "-trail-interval", "5s", "-feed-create",
		"-eventbridge-queue-url", queue, "-trail-queue-url", queue)
	_, emuURL, _ := strings.Cut(emuProc.waitForLine(t, "awsemu listening on ", 30*time.Second), "awsemu listening on ")
	emuURL = strings.TrimSpace(emuURL)

	otlpPort := freePort(t)
	col := &collector{output: filepath.Join(t.TempDir(), "logs.json"), metricsPort: freePort(t)}
	arrivals := startTailer(t, col.output, 100*time.Millisecond)
	col.process = start(t, "otelcol-cloudtrail", childEnv(append([]string{
		"E2E_EMULATOR_URL=" + emuURL, outputEnv(t, col.output), "E2E_METRICS_PORT=" + strconv.Itoa(col.metricsPort),
		"E2E_OTLP_PORT=" + strconv.Itoa(otlpPort)}, creds...)...), otelcol, "--config", eventBridgeConfig(t, queue, sqsURL, s3URL))
	col.waitForLine(t, "Everything is ready", 60*time.Second)

	common := []string{"-endpoint", emuURL, "-rate", "5"}
	calls := runTracedClient(t, traced, "otel", 21, append(common, "-otlp-endpoint", fmt.Sprintf("http://127.0.0.1:%d", otlpPort))...)
	calls = append(calls, runTracedClient(t, traced, "xray", 21, append(common, "-xray-otlp-endpoint", fmt.Sprintf("http://127.0.0.1:%d", otlpPort))...)...)
	calls = append(calls, runTracedClient(t, traced, "none", 7, common...)...)
	n := float64(len(calls))

	// Every call is exported once over SQS; then wait until LookupEvents (after its 30-60 s
	// delay) and the trail files have read every call too: only then does "exported once"
	// prove the de-duplication. LookupEvents has read them all once every call is visible
	// in the emulator and a few polls (1 s apart) have followed.
	const apiRequests = "otelcol_receiver_awscloudtrail_api_requests"
	const sqsRecords = "otelcol_receiver_awscloudtrail_sqs_records"
	sqsMetric := func(outcome string) float64 {
		l := `outcome="` + outcome + `"`
		return col.metric(t, sqsRecords, l) + col.metric(t, sqsRecords+"_total", l)
	}
	require.Eventually(t, func() bool { return sqsMetric("emitted") >= n && sqsMetric("duplicate") >= n },
		time.Minute, 250*time.Millisecond, "every call from its EventBridge event, then again in a trail file")
	require.Eventually(t, func() bool {
		var st struct {
			VisibleEvents int `json:"visibleEvents"`
		}
		body, err := httpGet(emuURL + "/_awsemu/stats")
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal([]byte(body), &st))
		return st.VisibleEvents == len(calls)
	}, 2*time.Minute, 500*time.Millisecond, "every call visible to LookupEvents")
	polls := anyMetric(t, col, apiRequests)
	require.Eventually(t, func() bool { return anyMetric(t, col, apiRequests) >= polls+5 },
		time.Minute, 250*time.Millisecond, "LookupEvents polls on")
	// No other event exists: LookupEvents dropped these calls (once per poll that read them).
	assert.GreaterOrEqual(t, anyMetric(t, col, "otelcol_receiver_awscloudtrail_duplicates_dropped"), n,
		"LookupEvents read the calls and found them emitted")

	counts := map[string]int{}
	byRequest := map[string]record{}
	eventIDs := map[string]int{}
	for _, r := range col.records(t) {
		counts[r.attr("aws.request_id")]++
		eventIDs[r.attr("aws.cloudtrail.event_id")]++
		byRequest[r.attr("aws.request_id")] = r
	}
	dups := 0
	for _, c := range eventIDs {
		dups += c - 1
	}
	seen := arrivals.snapshot()
	var lat, latTraced []time.Duration
	stamped := map[string]int{}
	for _, c := range calls {
		require.Equal(t, 1, counts[c.RequestID], "%s %s %s exported once", c.Mode, c.Operation, c.RequestID)
		r := byRequest[c.RequestID]
		a, ok := seen[r.attr("aws.cloudtrail.event_id")]
		require.True(t, ok, "the tailer saw %s", c.RequestID)
		// eventTime is whole seconds: the figure is at most 1 s more than the true latency.
		d := a.at.Sub(r.lr.Timestamp().AsTime())
		lat = append(lat, d)
		if c.Mode == "none" {
			assert.True(t, r.lr.TraceID().IsEmpty(), "untraced %s carries a trace", c.RequestID)
			continue
		}
		latTraced = append(latTraced, d)
		if assert.Equal(t, c.TraceID, r.lr.TraceID().String(), "%s %s trace", c.Mode, c.RequestID) &&
			assert.Equal(t, c.SpanID, r.lr.SpanID().String(), "%s %s span", c.Mode, c.RequestID) {
			stamped[c.Mode]++
		}
	}
	assert.Len(t, eventIDs, len(calls), "distinct eventIDs: the calls, nothing else")
	assert.Zero(t, dups, "duplicate exports")
	assert.Equal(t, 21, stamped["otel"], "every otelaws call stamped")
	assert.Equal(t, 21, stamped["xray"], "every X-Ray call stamped")
	assert.Equal(t, n, sqsMetric("emitted"), "every call emitted by the SQS input")
	const sqsMessages = "otelcol_receiver_awscloudtrail_sqs_messages"
	eb := []string{`message_kind="eventbridge_cloudtrail"`, `outcome="deleted"`}
	assert.Equal(t, n, col.metric(t, sqsMessages, eb...)+col.metric(t, sqsMessages+"_total", eb...),
		"one EventBridge event per call, each handled; the trail files (read after them) found every record emitted")

	p50, p90, pmax := percentiles(lat)
	t50, t90, tmax := percentiles(latTraced)
	assert.Less(t, p50, 10*time.Second, "p50 from call to export on the EventBridge path")
	summary := fmt.Sprintf("EventBridge + LookupEvents (delay %s-%s), one receiver: %d calls, %d distinct eventIDs exported, "+
		"%d duplicates; stamped otelaws %d/21, X-Ray %d/21; call to export p50 %s p90 %s max %s (traced only: p50 %s p90 %s max %s); "+
		"trail file records found already emitted: %v",
		eventBridgeDelayMin, eventBridgeDelayMax, len(calls), len(eventIDs), dups, stamped["otel"], stamped["xray"],
		p50, p90, pmax, t50, t90, tmax, sqsMetric("duplicate"))
	t.Log(summary)
}

// percentiles returns the p50, p90 and max of ds, to the millisecond.
func percentiles(ds []time.Duration) (p50, p90, pmax time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1)+0.5)].Round(time.Millisecond) }
	return at(0.5), at(0.9), s[len(s)-1].Round(time.Millisecond)
}

// eventBridgeConfig is the correlation test's collector config (testdata/e2e/traces.yaml)
// with the SQS input on queue and LookupEvents waiting up to 2m for late events.
func eventBridgeConfig(t *testing.T, queue, sqsURL, s3URL string) string {
	t.Helper()
	b, err := os.ReadFile("../../testdata/e2e/traces.yaml")
	require.NoError(t, err)
	require.Contains(t, string(b), "    max_event_delay: 30s\n")
	sqs := fmt.Sprintf("    max_event_delay: 2m\n    sqs:\n      queue_url: %s\n      region: us-east-1\n"+
		"      endpoint: %s\n      s3_endpoint: %s\n      wait_time: 5s\n", queue, sqsURL, s3URL)
	path := filepath.Join(t.TempDir(), "eventbridge.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), "    max_event_delay: 30s\n", sqs, 1)), 0o600))
	return path
}
