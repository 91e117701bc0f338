// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
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

// countedServer serves the emulator (with one event) on loopback and counts the
// connections clients open there and those that ended. When hold is set, a request is
// answered only once hold requests are waiting together.
type countedServer struct {
	url            string
	opened, closed atomic.Int32
	hold           int
	mu             sync.Mutex
	waiting        int
	release        chan struct{}
}

func newCountedServer(t *testing.T, hold int) *countedServer {
	t.Helper()
	emu := awsemu.New(awsemu.Options{RequestsPerSecond: -1})
	emu.Store().Add(awsemu.NewRecord(awsemu.RecordSpec{EventSource: lfm, EventTime: time.Now().Add(-time.Minute)}))
	s := &countedServer{hold: hold, release: make(chan struct{})}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.hold > 0 {
			s.mu.Lock()
			release := s.release
			if s.waiting++; s.waiting == s.hold {
				close(s.release)
				s.waiting, s.release = 0, make(chan struct{})
			}
			s.mu.Unlock()
			select {
			case <-release:
			case <-time.After(10 * time.Second): // fails the counts, not the test run
			}
		}
		emu.Handler().ServeHTTP(w, r)
	}))
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			s.closed.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

// sharedClients returns n clients over one transport from NewTransport, and their
// functions that close idle connections.
func sharedClients(t *testing.T, url string, n int, transport *http.Transport) ([]*cloudtrail.Client, []func()) {
	t.Helper()
	clients, closes := make([]*cloudtrail.Client, n), make([]func(), n)
	for i := range clients {
		api, closeIdle := cloudtrail.NewSDKClient(testConfig(noRetries), cloudtrail.SDKOptions{Endpoint: url, Transport: transport})
		clients[i], closes[i] = cloudtrail.NewClient(api), closeIdle
	}
	t.Cleanup(transport.CloseIdleConnections)
	return clients, closes
}

// Clients sharing a transport share its connections: one after the other, eight
// clients need one connection. A client's function that closes idle connections leaves
// the shared ones alone (the transport's owner closes them).
func TestClientsSharingATransportShareConnections(t *testing.T) {
	s := newCountedServer(t, 0)
	clients, closes := sharedClients(t, s.url, 8, cloudtrail.NewTransport(testConfig(nil), 1))
	for _, c := range clients {
		_, err := c.Lookup(context.Background(), lastHour(), "")
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), s.opened.Load(), "one connection for every client")
	closes[0]()
	_, err := clients[1].Lookup(context.Background(), lastHour(), "")
	require.NoError(t, err)
	assert.Equal(t, int32(1), s.opened.Load(), "the connection is still there after a client let go")
	assert.Zero(t, s.closed.Load())
}

// The shared transport keeps as many idle connections as reads may run at once: a second
// round of 16 concurrent reads reuses the 16 connections of the first, where the SDK's
// default (10 idle per host) would close 6 and open them again with a new handshake.
func TestSharedTransportKeepsAConnectionPerConcurrentRead(t *testing.T) {
	const reads = 16
	s := newCountedServer(t, reads)
	clients, _ := sharedClients(t, s.url, reads, cloudtrail.NewTransport(testConfig(nil), reads))
	round := func() {
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Go(func() {
				_, err := c.Lookup(context.Background(), lastHour(), "")
				assert.NoError(t, err)
			})
		}
		wg.Wait()
	}
	round()
	round()
	assert.Equal(t, int32(reads), s.opened.Load(), "connections opened")
	time.Sleep(50 * time.Millisecond) // a connection the pool dropped is closed by now
	assert.Zero(t, s.closed.Load(), "connections closed")
}

// The idle limit is the reads at once, but never below the SDK's default, to a host;
// in all, that plus the SDK's default (not the SDK's 100 per transport: the transport
// serves every region, and the reads at once are bounded across them).
func TestNewTransportIdleLimits(t *testing.T) {
	sdk := awshttp.DefaultHTTPTransportMaxIdleConnsPerHost
	for _, tt := range []struct{ reads, perHost, total int }{
		{1, sdk, 2 * sdk},
		{64, 64, 64 + sdk},
		{500, 500, 500 + sdk},
	} {
		tr := cloudtrail.NewTransport(testConfig(nil), tt.reads)
		assert.Equal(t, tt.perHost, tr.MaxIdleConnsPerHost, "%d reads", tt.reads)
		assert.Equal(t, tt.total, tr.MaxIdleConns, "%d reads", tt.reads)
	}
}

// NewTransport keeps what LoadDefaultConfig set up in cfg.HTTPClient (the AWS_CA_BUNDLE
// or ca_bundle root CAs), like a client's own transport.
func TestSharedTransportTrustsTheConfigsCABundle(t *testing.T) {
	ts, _ := tlsEmulator(t)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	cfg := testConfig(func(cfg *aws.Config) {
		cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig.RootCAs = pool
		})
	})
	transport := cloudtrail.NewTransport(cfg, 1)
	t.Cleanup(transport.CloseIdleConnections)
	api, _ := cloudtrail.NewSDKClient(testConfig(nil), cloudtrail.SDKOptions{Endpoint: ts.URL, Transport: transport})
	page, err := cloudtrail.NewClient(api).Lookup(context.Background(), lastHour(), "")
	require.NoError(t, err)
	assert.Len(t, page.Events, 1)
}
