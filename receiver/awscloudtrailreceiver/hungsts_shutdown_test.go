// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// A role's credentials fetch that hangs (a black-holed STS) ends with the account's
// polling: at Shutdown, or when the account stops being read. The SDK's credentials cache
// lets the caller go at once but goes on fetching, with the caller's cancellation
// removed, until the 30s attempt timeout (three attempts): without a bound of our own
// that fetch outlives the receiver.
func TestShutdownAbortsAHungRoleFetch(t *testing.T) {
	var started, aborted atomic.Int32
	release := make(chan struct{})
	sts := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices a client leaving only once the body is read
		started.Add(1)
		select {
		case <-r.Context().Done():
			aborted.Add(1)
		case <-release:
		}
	}))
	defer sts.Close()
	defer close(release)
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	t.Setenv("AWS_ENDPOINT_URL_STS", sts.URL)
	cfg := h.config()
	cfg.Accounts = []AccountConfig{{RoleARN: "arn:aws:iam::" + acctA + ":role/reader"}}
	r := h.start(cfg, consumertest.NewNop(), make(ticks))
	require.Eventually(t, func() bool { return started.Load() > 0 }, 30*time.Second, 5*time.Millisecond)

	shutdownWithin(t, r, 10*time.Second, "Shutdown waited for the hung AssumeRole")
	require.Eventually(t, func() bool { return aborted.Load() == started.Load() }, 5*time.Second, 5*time.Millisecond,
		"the AssumeRole in flight goes on after Shutdown (%d started, %d aborted)", started.Load(), aborted.Load())
}
