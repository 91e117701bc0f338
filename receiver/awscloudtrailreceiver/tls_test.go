// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadatatest"
)

// newTLSHarness serves the emulator over TLS with httptest's self-signed certificate and
// counts the connections the receiver opens.
func newTLSHarness(t *testing.T) (*harness, *httptest.Server, *atomic.Int32) {
	t.Helper()
	t.Setenv("AWS_CA_BUNDLE", "")
	srv := awsemu.New(awsemu.Options{RequestsPerSecond: -1})
	h := &harness{t: t, srv: srv, host: newTestHost(), tel: componenttest.NewTelemetry(), sts: newLocalSTS(t)}
	ts, conns := awsemu.ServeTLS(srv.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = h.tel.Shutdown(context.Background()) })
	h.url = ts.URL
	return h, ts, conns
}

// A custom https endpoint whose certificate no trusted CA signed is refused: the poll
// fails with the certificate error, reported as the component's status and logged, and
// is retried once per poll_interval, one connection per poll (the SDK does not retry it).
func TestTLSEndpointWithUnknownCAIsRefused(t *testing.T) {
	h, _, conns := newTLSHarness(t)
	h.addEvents(defaultEventSource, 5)
	cfg := h.config()
	cfg.PollInterval = time.Hour
	logs, sink, w := &logBuffer{}, &gate{}, newWaits()
	r := h.startLogged(cfg, sink, w, logs.logger())
	w.first(t)
	assert.Equal(t, int32(1), conns.Load())
	w.poll(t)
	require.NoError(t, r.Shutdown(context.Background()))

	assert.Equal(t, int32(2), conns.Load(), "one attempt per poll")
	assert.Zero(t, sink.sink.LogRecordCount())
	assert.Empty(t, h.srv.Requests(), "no request got past the handshake")
	assert.Equal(t, componentstatus.StatusRecoverableError, h.host.lastStatus())
	assert.Contains(t, logs.String(), "certificate signed by unknown authority")
	assert.Contains(t, logs.String(), `"kind":"client_error"`)
	assert.GreaterOrEqual(t, w.last(), cfg.PollInterval*8/10, "retried after poll_interval (with jitter)")
	metadatatest.AssertEqualReceiverAwscloudtrailAPIRequests(t, h.tel, []metricdata.DataPoint[int64]{{
		Attributes: outcomeAttrs(h.sts.account, "us-east-1", "network_error"), Value: 2,
	}}, metricdataOpts...)
}

// With AWS_CA_BUNDLE naming the endpoint's CA, the same endpoint is trusted.
func TestTLSEndpointTrustedThroughAWSCABundle(t *testing.T) {
	h, ts, _ := newTLSHarness(t)
	evs := h.addEvents(defaultEventSource, 5)
	path := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	require.NoError(t, os.WriteFile(path, pemBytes, 0o600))
	t.Setenv("AWS_CA_BUNDLE", path)
	sink := new(consumertest.LogsSink)
	r := h.start(h.config(), sink, make(ticks))
	require.Eventually(t, func() bool { return sink.LogRecordCount() >= len(evs) }, 30*time.Second, 10*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))
	assert.ElementsMatch(t, idsOf(evs), eventIDs(sink))
	assert.Zero(t, h.host.count(componentstatus.StatusRecoverableError))
}
