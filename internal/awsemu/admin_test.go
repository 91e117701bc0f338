// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestAdminFaults(t *testing.T) {
	h := newHarness(t, Options{})
	status, out := send(t, http.MethodPut, h.url+AdminPrefix+"faults",
		`{"errorRate":0.25,"latency":"150ms","lateDeliveryRate":0.1,"lateDeliveryExtra":3600000000000,"throttleStorm":true}`)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "150ms", out["latency"])
	assert.Equal(t, "1h0m0s", out["lateDeliveryExtra"])
	assert.Equal(t, Faults{ErrorRate: 0.25, Latency: 150 * time.Millisecond, LateDeliveryRate: 0.1,
		LateDeliveryExtra: time.Hour, ThrottleStorm: true}, h.srv.Faults())
	var doc faultsJSON
	getJSON(t, h.url+AdminPrefix+"faults", &doc)
	assert.Equal(t, h.srv.Faults(), doc.faults())

	status, _ = send(t, http.MethodPut, h.url+AdminPrefix+"faults", `{"latency":"soon"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = send(t, http.MethodDelete, h.url+AdminPrefix+"faults", ``)
	assert.Equal(t, http.StatusNotFound, status)
}
