// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/lmemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

const lfm = "lookoutmetrics.amazonaws.com"

// TestCollectorExportsEveryRecordedCallOnce drives Lookout for Metrics calls against
// the emulator binary while the collector binary polls it, and checks the file
// exporter's output against what the client saw and what the emulator recorded.
func TestCollectorExportsEveryRecordedCallOnce(t *testing.T) {
	otelcol, awsemuBin := binaries(t)
	emu := startEmulator(t, awsemuBin, "-delivery-delay-min", "1s", "-delivery-delay-max", "6s", "-seed", "11")
	col := startCollector(t, otelcol, emu.url, t.TempDir())

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	calls, err := lmemu.RunWorkload(ctx, lmemu.WorkloadOptions{Endpoint: emu.url, Calls: 150, Rate: 50, Seed: 5})
	require.NoError(t, err)
	require.Len(t, calls, 150)

	recorded := emulatorEvents(t, emu.url)
	require.Len(t, recorded, len(calls), "the emulator records every call")
	require.Eventually(t, func() bool { return len(col.records(t)) >= len(recorded) }, 90*time.Second, 250*time.Millisecond)
	// Let the overlap window be read again at least once more: nothing may come twice.
	before := col.metric(t, "otelcol_receiver_awscloudtrail_duplicates_dropped")
	require.Eventually(t, func() bool {
		return col.metric(t, "otelcol_receiver_awscloudtrail_duplicates_dropped") > before
	}, 30*time.Second, 250*time.Millisecond)

	records := col.records(t)
	byRequest := indexByRequestID(t, records)
	assert.Len(t, records, len(recorded), "every recorded event exactly once")
	for _, call := range calls {
		require.NotEmpty(t, call.RequestID, "%s got no response", call.Operation)
		rec, ok := byRequest[call.RequestID]
		if !assert.True(t, ok, "no log record for %s %s", call.Operation, call.RequestID) {
			continue
		}
		assertMapping(t, call, rec)
	}
	for _, ev := range recorded {
		assert.Contains(t, byRequest, ev.RequestID, "recorded event %s (%s) was not exported", ev.EventID, ev.EventName)
	}

	emitted := col.metric(t, "otelcol_receiver_awscloudtrail_events_emitted", `event_source="`+lfm+`"`)
	assert.InDelta(t, float64(len(records)), emitted, 0, "events_emitted agrees with the output")
	assert.Positive(t, col.metric(t, "otelcol_receiver_awscloudtrail_api_requests", `outcome="success"`))
	require.NoError(t, col.stop(), "the collector stops cleanly on SIGTERM")
	require.NoError(t, emu.stop(), "the emulator stops cleanly on SIGTERM")
}

func indexByRequestID(t *testing.T, records []record) map[string]record {
	t.Helper()
	byRequest := make(map[string]record, len(records))
	for _, r := range records {
		id := r.attr("aws.request_id")
		_, dup := byRequest[id]
		assert.False(t, dup, "request %s exported twice", id)
		byRequest[id] = r
	}
	return byRequest
}

// assertMapping checks one log record against the call the client made.
func assertMapping(t *testing.T, call lmemu.WorkloadCall, rec record) {
	t.Helper()
	assert.Equal(t, call.Operation, rec.attr("rpc.method"))
	assert.Equal(t, lfm, rec.attr("rpc.service"))
	assert.Equal(t, call.AccessKeyID, rec.attr("aws.access_key.id"))
	assert.Equal(t, rec.attr("aws.cloudtrail.event_id"), rec.attr("log.record.uid"))
	region, _ := rec.resource.Get("cloud.region")
	account, _ := rec.resource.Get("cloud.account.id")
	assert.Equal(t, "us-east-1", region.Str())
	assert.Equal(t, awsemu.DefaultAccountID, account.Str())
	wantSeverity := plog.SeverityNumberInfo
	if call.Err != nil {
		wantSeverity = plog.SeverityNumberError
		assert.NotEmpty(t, rec.attr("aws.error.code"), "%s failed: %v", call.Operation, call.Err)
	}
	assert.Equal(t, wantSeverity, rec.lr.SeverityNumber(), call.Operation)
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(rec.lr.Body().Str()), &body), "the body is the raw record")
	assert.Equal(t, call.RequestID, body["requestID"])
	assert.False(t, rec.lr.Timestamp().AsTime().IsZero())
}

// emulatorEvents lists what the emulator recorded, from its admin API.
func emulatorEvents(t *testing.T, url string) []emulatorEvent {
	t.Helper()
	body, err := httpGet(url + awsemu.AdminPrefix + "events?eventSource=" + lfm)
	require.NoError(t, err)
	var out []emulatorEvent
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		var ev emulatorEvent
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev))
		out = append(out, ev)
	}
	return out
}

// emulatorEvent is a line of the emulator's GET /_awsemu/events.
type emulatorEvent struct {
	EventID   string    `json:"eventID"`
	RequestID string    `json:"requestID"`
	EventName string    `json:"eventName"`
	EventTime time.Time `json:"eventTime"`
	VisibleAt time.Time `json:"visibleAt"`
}
