// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// connCounter counts the connections clients open to a server, and those that ended;
// while recording, it also keeps the client address (so the connection) of each request.
type connCounter struct {
	opened, closed atomic.Int32
	// inFlight and peak count the requests being served, and the most at once.
	inFlight, peak atomic.Int32
	mu             sync.Mutex
	used           map[string]bool // nil while not recording
}

// serveCounted serves handler on a loopback server of its own that counts connections.
func serveCounted(t *testing.T, handler http.Handler) (string, *connCounter) {
	t.Helper()
	c := &connCounter{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		if c.used != nil {
			c.used[r.RemoteAddr] = true
		}
		c.mu.Unlock()
		n := c.inFlight.Add(1)
		defer c.inFlight.Add(-1)
		notePeak(&c.peak, n)
		handler.ServeHTTP(w, r)
	}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			c.opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			c.closed.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.URL, c
}

// notePeak raises peak to n, if n is higher.
func notePeak(peak *atomic.Int32, n int32) {
	for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
	}
}

// record starts keeping the connections requests come over.
func (c *connCounter) record() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used = map[string]bool{}
}

// usedConns is how many connections requests came over since record.
func (c *connCounter) usedConns() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.used)
}

func (c *connCounter) open() int32 { return c.opened.Load() - c.closed.Load() }

// lookupsOf counts the LookupEvents the emulator answered for account.
func lookupsOf(srv *awsemu.Server, account string) int {
	return len(awsemu.Filter(lookups(srv), func(r awsemu.RequestRecord) bool { return r.Account == account }))
}

// The accounts of a region send their CloudTrail requests over the connections of one
// pool, not one pool (and at least one connection) per account: once their first reads
// are done the region keeps no more connections than the pool's idle limit (here the
// SDK's 10) where one per account would be 16, and reading one at a time the accounts
// poll on over one or two connections. Shutdown closes the pool's idle connections.
func TestAccountsOfARegionShareConnections(t *testing.T) {
	var accts []string
	for i := range 16 {
		accts = append(accts, fmt.Sprintf("4000000000%02d", i))
	}
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{Roles: awsemu.ReaderRoles("reader", "", accts...)})
	url, conns := serveCounted(t, h.srv.Handler()) // CloudTrail only: STS stays on h.url
	cfg := h.config()
	cfg.Endpoint = url
	cfg.MaxConcurrentReads = 1 // one read at a time: a connection is always idle for the next
	var want int
	for _, a := range accts {
		want += len(h.addAccountEvents(a, 3))
		cfg.Accounts = append(cfg.Accounts, AccountConfig{RoleARN: "arn:aws:iam::" + a + ":role/reader"})
	}
	r := h.startLogged(cfg, sink, w, logs.logger())
	t.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == want }, 30*time.Second, 5*time.Millisecond)
	// Connections opened before every read went through the gate (the first identity
	// calls use STS, not this server) may still be idle; the pool keeps at most 10.
	assert.Eventually(t, func() bool { return conns.open() <= 10 }, 2*time.Second, 5*time.Millisecond,
		"connections left open: %d of %d", conns.open(), conns.opened.Load())

	conns.record()
	before := map[string]int{}
	for _, a := range accts {
		before[a] = lookupsOf(h.srv, a)
	}
	tickUntil(t, w, func() bool {
		for _, a := range accts {
			if lookupsOf(h.srv, a) == before[a] {
				return false
			}
		}
		return true
	})
	assert.LessOrEqual(t, conns.usedConns(), 2, "every account polled again over the region's shared connections")

	require.NoError(t, r.Shutdown(context.Background()))
	require.Eventually(t, func() bool { return conns.open() == 0 }, 5*time.Second, 5*time.Millisecond,
		"Shutdown leaves no idle connection open: %d opened, %d closed", conns.opened.Load(), conns.closed.Load())
}

// An account that leaves the organization closes none of the connections the region's
// other accounts use: they poll on over the same connections.
func TestRemovedAccountLeavesTheOthersConnections(t *testing.T) {
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{
		Roles:        awsemu.ReaderRoles("reader", "", acctA, acctB),
		Organization: []awsemu.OrgAccount{{ID: acctA}, {ID: acctB}},
	})
	url, conns := serveCounted(t, h.srv.Handler())
	want := len(h.addAccountEvents(acctA, 3)) + len(h.addAccountEvents(acctB, 3)) + len(h.addAccountEvents(awsemu.DefaultAccountID, 3))
	cfg := h.config()
	cfg.Endpoint = url
	cfg.MaxConcurrentReads = 1
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})
	r := h.startLogged(cfg, sink, w, logs.logger())
	defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == want }, 30*time.Second, 5*time.Millisecond)
	opened := conns.opened.Load()

	h.srv.SetOrganization([]awsemu.OrgAccount{{ID: acctB}})
	tickUntil(t, w, func() bool {
		_, held := cloudtrail.SharedLimiters.Rate(cloudtrail.LimiterKey(acctA, "us-east-1"))
		return !held
	})
	b, mgmt := lookupsOf(h.srv, acctB), lookupsOf(h.srv, awsemu.DefaultAccountID)
	tickUntil(t, w, func() bool { return lookupsOf(h.srv, acctB) > b && lookupsOf(h.srv, awsemu.DefaultAccountID) > mgmt })
	assert.Zero(t, conns.closed.Load(), "the account that left closed no connection")
	assert.Equal(t, opened, conns.opened.Load(), "the others polled on over the connections they had")
}

// Every account-region of every region sends its CloudTrail requests over one pool, and
// starts within max_concurrent_reads: its identity call (which also assumes its role)
// and its first poll's server-clock probe wait for a place like a slice does. With one
// place, 4 regions x 8 accounts start one request at a time over one connection, where
// a pool per region and probes and identity calls all at once opened a connection per
// account-region and sent every STS call at once. Without a CA bundle (the SDK's config
// then has no HTTP client, and each STS client built its own), STS too is reached over
// one connection, not one per role and one per identity call.
func TestAccountRegionsStartWithinTheGateOverOnePool(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "")
	h, cfg, accts, ct, sts := countedAccountRegions(t, "5000000000")
	require.Eventually(t, func() bool {
		for _, a := range accts {
			if lookupsOf(h.srv, a) < 2*len(cfg.Regions) { // a probe and a slice in every region
				return false
			}
		}
		return true
	}, 30*time.Second, 5*time.Millisecond, "every account-region polled")
	assert.Equal(t, int32(1), ct.peak.Load(), "CloudTrail requests at once")
	assert.Equal(t, int32(1), sts.peak.Load(), "STS requests at once")
	assert.LessOrEqual(t, sts.opened.Load(), int32(2), "connections to STS, for %d account-regions", len(accts)*len(cfg.Regions))
	assert.LessOrEqual(t, ct.opened.Load(), int32(2), "connections to CloudTrail, for %d account-regions", len(accts)*len(cfg.Regions))
}

// countedAccountRegions starts a receiver on 8 role accounts (IDs idPrefix00 to 07) x 4
// regions with one place, CloudTrail and STS each on a loopback server of its own that
// counts connections, and waits until every event (in us-east-1; the other regions read
// empty pages) arrived.
func countedAccountRegions(t *testing.T, idPrefix string) (*harness, *Config, []string, *connCounter, *connCounter) {
	t.Helper()
	var accts []string
	for i := range 8 {
		accts = append(accts, fmt.Sprintf("%s%02d", idPrefix, i))
	}
	h, sink, w, logs := newAccountsHarness(t, awsemu.Options{Roles: awsemu.ReaderRoles("reader", "", accts...)})
	ctURL, ct := serveCounted(t, h.srv.Handler())
	stsURL, sts := serveCounted(t, h.srv.Handler())
	t.Setenv("AWS_ENDPOINT_URL_STS", stsURL)
	cfg := h.config()
	cfg.Endpoint = ctURL
	cfg.Regions = []string{"us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"}
	cfg.MaxConcurrentReads = 1
	var want int
	for _, a := range accts {
		want += len(h.addAccountEvents(a, 3))
		cfg.Accounts = append(cfg.Accounts, AccountConfig{RoleARN: "arn:aws:iam::" + a + ":role/reader"})
	}
	r := h.startLogged(cfg, sink, w, logs.logger())
	t.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == want }, 30*time.Second, 5*time.Millisecond)
	return h, cfg, accts, ct, sts
}
