// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// tlsEmulator serves the emulator over TLS with httptest's self-signed certificate, and
// counts the connections clients open.
func tlsEmulator(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	emu := awsemu.New(awsemu.Options{RequestsPerSecond: -1})
	emu.Store().Add(awsemu.NewRecord(awsemu.RecordSpec{EventSource: lfm, EventTime: time.Now().Add(-time.Minute)}))
	ts, conns := awsemu.ServeTLS(emu.Handler())
	t.Cleanup(ts.Close)
	return ts, conns
}

func TestCustomEndpointVerifiesCertificates(t *testing.T) {
	ts, conns := tlsEmulator(t)
	client := newClient(t, ts.URL, nil) // the real retry policy

	_, err := client.Lookup(context.Background(), lastHour(), "")
	require.Error(t, err)
	var verifyErr *tls.CertificateVerificationError
	require.ErrorAs(t, err, &verifyErr)
	var unknown x509.UnknownAuthorityError
	assert.ErrorAs(t, err, &unknown)
	assert.Equal(t, cloudtrail.KindClient, cloudtrail.Classify(err), "retried every poll_interval, reported")
	assert.Equal(t, "network_error", cloudtrail.Outcome(err))
	assert.Equal(t, int32(1), conns.Load(), "the SDK does not retry a certificate error")
}

// LoadDefaultConfig puts AWS_CA_BUNDLE / ca_bundle into cfg.HTTPClient as a BuildableClient
// with RootCAs; NewSDKClient keeps them.
func TestCustomEndpointTrustsTheConfigsCABundle(t *testing.T) {
	ts, _ := tlsEmulator(t)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	client := newClient(t, ts.URL, func(cfg *aws.Config) {
		cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig.RootCAs = pool
		})
	})
	page, err := client.Lookup(context.Background(), lastHour(), "")
	require.NoError(t, err)
	assert.Len(t, page.Events, 1)
}
