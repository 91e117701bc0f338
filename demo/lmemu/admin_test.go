// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventLine is a line of GET /_awsemu/events.
type eventLine struct {
	RequestID string    `json:"requestID"`
	EventName string    `json:"eventName"`
	VisibleAt time.Time `json:"visibleAt"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
}

func TestAdminEventsAndStats(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	SeedLookoutMetrics(h.srv.Store(), SeedOptions{Events: 30, End: t0.Add(-time.Hour), Seed: 1})
	h.srv.Store().Add(awsemu.NewRecord(awsemu.RecordSpec{EventTime: t0.Add(-time.Minute)})) // an EC2 event
	out, err := h.lm(aliceKey).ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
	require.NoError(t, err)
	reqID := requestID(t, out.ResultMetadata)

	resp, err := http.Get(h.url + awsemu.AdminPrefix + "events?eventSource=" + awsemu.LookoutMetricsEventSource)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/x-ndjson", resp.Header.Get("Content-Type"))
	var lines []eventLine
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var l eventLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		lines = append(lines, l)
	}
	require.Len(t, lines, 31, "30 seeded and 1 recorded; the EC2 event is filtered out")
	assert.Equal(t, reqID, lines[0].RequestID, "newest first")
	assert.Equal(t, "ListAnomalyDetectors", lines[0].EventName)
	assert.Equal(t, t0.Add(5*time.Minute), lines[0].VisibleAt)
	assert.Equal(t, awsemu.DefaultAccountID, lines[0].Account)
	assert.Equal(t, "us-east-1", lines[0].Region)

	var st awsemu.AdminStats
	getJSON(t, h.url+awsemu.AdminPrefix+"stats", &st)
	assert.Equal(t, 32, st.Events)
	assert.Equal(t, 31, st.VisibleEvents, "the recorded call is not delivered yet")
	assert.Equal(t, 1, st.Requests.Requests, "admin calls are not counted")
	assert.Equal(t, []awsemu.StreamStats{{Account: awsemu.DefaultAccountID, Region: "us-east-1", Events: 32, Visible: 31}}, st.Streams)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

func send(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func TestAdminWorkload(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	status, out := send(t, http.MethodPost, h.url+awsemu.AdminPrefix+"workload", `{"calls":40,"seed":5,"wait":true}`)
	require.Equal(t, http.StatusOK, status, out)
	assert.InDelta(t, 40, out["calls"], 0)
	assert.Len(t, h.srv.Store().All(), 40)

	status, _ = send(t, http.MethodPost, h.url+awsemu.AdminPrefix+"workload", `{"calls":20,"seed":6}`)
	require.Equal(t, http.StatusAccepted, status)
	require.Eventually(t, func() bool {
		var st awsemu.AdminStats
		getJSON(t, h.url+awsemu.AdminPrefix+"stats", &st)
		return st.WorkloadsRunning == 0
	}, 30*time.Second, 10*time.Millisecond, "the workload ends")
	assert.Len(t, h.srv.Store().All(), 60)
	status, _ = send(t, http.MethodPost, h.url+awsemu.AdminPrefix+"workload", `{"wait":true}`)
	assert.Equal(t, http.StatusBadRequest, status, "waiting for an endless workload")
}

// The workload's duration is a Go duration string or integer nanoseconds; anything else
// is refused with a message that says so.
func TestAdminWorkloadDuration(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	for _, body := range []string{`{"calls":3,"duration":"1h","seed":1,"wait":true}`, `{"calls":3,"duration":3600000000000,"seed":2,"wait":true}`} {
		status, out := send(t, http.MethodPost, h.url+awsemu.AdminPrefix+"workload", body)
		require.Equal(t, http.StatusOK, status, "%s: %v", body, out)
		assert.InDelta(t, 3, out["calls"], 0, body)
	}
	for body, msg := range map[string]string{
		`{"duration":"1x","wait":true}`:  `unknown unit "x"`,
		`{"duration":true,"wait":true}`:  "integer nanoseconds",
		`{"duration":"-1s","wait":true}`: "wait needs calls or duration",
		`{"duration":-5,"wait":true}`:    "wait needs calls or duration",
	} {
		status, out := send(t, http.MethodPost, h.url+awsemu.AdminPrefix+"workload", body)
		assert.Equal(t, http.StatusBadRequest, status, body)
		assert.Contains(t, out["message"], msg, body)
	}
}
