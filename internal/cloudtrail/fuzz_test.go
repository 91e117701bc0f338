// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// FuzzLookupResponse answers LookupEvents with fuzzed bytes, status and content type, and
// reads it through the real SDK client (retries off). Whatever the answer: no panic, a
// page or an error, and an error is one the poller retries: never KindNone or
// KindCanceled, KindServer for a 2xx that is not a page, never KindClient for a 5xx. The
// error text carries no credential. Seeds: testdata/fuzz/FuzzLookupResponse.
func FuzzLookupResponse(f *testing.F) {
	srv := newCannedServer(f)
	client := newClient(f, srv.url, noRetries)
	q := lastHour()
	f.Add([]byte(`{"Events":[]}`), uint16(200), amzJSON)
	f.Fuzz(func(t *testing.T, body []byte, status uint16, contentType string) {
		code := int(status)
		if code < 200 || code > 599 {
			code = 200 + code%400
		}
		srv.set(string(body), code, contentType)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a hang fails
		defer cancel()
		page, err := client.Lookup(ctx, q, "")
		checkLookup(t, code, body, page, err)
	})
}

func checkLookup(t *testing.T, code int, body []byte, page cloudtrail.Page, err error) {
	ok := code >= 200 && code < 300
	if err == nil {
		require.True(t, ok, "HTTP %d gave a page", code)
		require.NotEmpty(t, bytes.TrimSpace(body), "an empty body gave a page")
		return
	}
	require.Zero(t, page, "an error gives no page")
	kind := cloudtrail.Classify(err)
	require.NotEqual(t, cloudtrail.KindNone, kind, "%v", err)
	require.NotEqual(t, cloudtrail.KindCanceled, kind, "%v", err)
	if ok {
		require.Equal(t, cloudtrail.KindServer, kind, "a 2xx that is not a page is retried soon: %v", err)
	}
	if code >= 500 {
		require.NotEqual(t, cloudtrail.KindClient, kind, "%v", err)
	}
	if !bytes.Contains(body, []byte(testSecret)) && !bytes.Contains(body, []byte(testToken)) {
		requireNoSecret(t, err.Error(), nil)
	}
}
