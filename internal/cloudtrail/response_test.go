// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

const captivePortal = `<!DOCTYPE html><html><head><title>Sign in to Wi-Fi</title></head><body>Accept the terms</body></html>`

// A 2xx that is not a LookupEvents page is an error the poller retries soon (KindServer):
// never a page, so never a checkpoint moved past events that were not read.
func TestBadSuccessResponsesAreRetryableErrors(t *testing.T) {
	tests := []struct {
		name, body, ctype string
		// malformed: refused by this package's check (ErrMalformedResponse); else by
		// the SDK's decoder (smithy.DeserializationError).
		malformed bool
	}{
		{"html page from a captive proxy", captivePortal, "text/html; charset=utf-8", true},
		{"html page labelled JSON", captivePortal, amzJSON, true},
		{"valid JSON labelled text/plain", `{"Events":[]}`, "text/plain", true},
		{"no content type", `{"Events":[]}`, "", true},
		{"empty body", "", amzJSON, true},
		{"whitespace body", " \n", amzJSON, true},
		{"null", "null", amzJSON, true},
		{"array", "[]", amzJSON, true},
		{"error-shaped 200", `{"__type":"ThrottlingException","message":"Rate exceeded"}`, amzJSON, true},
		{"error type null", `{"Events":[],"__type":null}`, amzJSON, true},
		{"error type in capitals", `{"Events":[],"__TYPE":"ThrottlingException"}`, amzJSON, true},
		{"truncated", `{"Events":[{"EventId":"a","EventName":"Li`, amzJSON, true},
		{"trailing garbage", `{"Events":[]}<html>`, amzJSON, true},
		{"ReadOnly as a bool", `{"Events":[{"EventId":"a","ReadOnly":true}]}`, amzJSON, false},
		{"NextToken as a number", `{"Events":[],"NextToken":12345}`, amzJSON, false},
		{"EventTime as a string", `{"Events":[{"EventId":"a","EventTime":"2021-11-18T09:41:02Z"}]}`, amzJSON, false},
	}
	srv := newCannedServer(t)
	client := newClient(t, srv.url, nil) // the real retry policy: none of these is retried
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.set(tt.body, 200, tt.ctype)
			page, err := client.Lookup(context.Background(), lastHour(), "")
			require.Error(t, err)
			assert.Zero(t, page)
			assert.Equal(t, tt.malformed, errors.Is(err, cloudtrail.ErrMalformedResponse), "%v", err)
			var decodeErr *smithy.DeserializationError
			assert.Equal(t, !tt.malformed, errors.As(err, &decodeErr), "%v", err)
			assert.Equal(t, cloudtrail.KindServer, cloudtrail.Classify(err), "%v", err)
			assert.Equal(t, "server_error", cloudtrail.Outcome(err))
		})
	}
}

// What the SDK reads as a page without events, and this package accepts: a JSON object
// without an Events member (AWS may leave an empty list out), served as JSON.
func TestEmptyResultsAreEmptyPages(t *testing.T) {
	srv := newCannedServer(t)
	client := newClient(t, srv.url, noRetries)
	for _, body := range []string{`{}`, `{"Events":[]}`, `{"Events":null}`, `{"Unknown":1}`} {
		srv.set(body, 200, "application/json; charset=utf-8")
		page, err := client.Lookup(context.Background(), lastHour(), "")
		require.NoError(t, err, body)
		assert.Empty(t, page.Events, body)
		assert.Empty(t, page.NextToken, body)
	}
}

func TestErrorResponsesWithoutAnAWSBody(t *testing.T) {
	tests := []struct {
		name   string
		status int
		kind   cloudtrail.Kind
	}{
		{"503 html", 503, cloudtrail.KindServer},
		{"502 html", 502, cloudtrail.KindServer},
		{"403 html from a proxy", 403, cloudtrail.KindClient},
		{"302 redirect", 302, cloudtrail.KindClient},
	}
	srv := newCannedServer(t)
	client := newClient(t, srv.url, noRetries)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.set(captivePortal, tt.status, "text/html")
			page, err := client.Lookup(context.Background(), lastHour(), "")
			require.Error(t, err)
			assert.Zero(t, page)
			assert.Equal(t, tt.kind, cloudtrail.Classify(err), "%v", err)
		})
	}
}

// The emulator's TruncateResponses fault: HTTP 200 with the first half of the JSON.
func TestTruncatedEmulatorResponse(t *testing.T) {
	emu := newEmulator(t, 5)
	client := newClient(t, emu.url, nil)
	page, err := client.Lookup(context.Background(), lastHour(), "")
	require.NoError(t, err)
	require.Len(t, page.Events, 5)

	emu.srv.SetFaults(awsemu.Faults{TruncateResponses: true})
	before := len(emu.srv.Requests())
	page, err = client.Lookup(context.Background(), lastHour(), "")
	require.ErrorIs(t, err, cloudtrail.ErrMalformedResponse)
	assert.Zero(t, page)
	assert.Equal(t, cloudtrail.KindServer, cloudtrail.Classify(err))
	reqs := emu.srv.Requests()[before:]
	require.Len(t, reqs, 1, "not retried by the SDK: the poll loop retries it with backoff")
	assert.True(t, reqs[0].Truncated)
}
