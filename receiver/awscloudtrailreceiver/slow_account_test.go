// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

var (
	assumedRE = regexp.MustCompile(`(?s)<Arn>arn:aws:sts::(\d{12}):assumed-role/.*<AccessKeyId>([^<]+)</AccessKeyId>`)
	akidRE    = regexp.MustCompile(`Credential=([^/]+)/`)
)

// stallAccount makes fd hold every LookupEvents of account's assumed keys until release
// is closed (or the caller leaves); everything else goes to srv.
func stallAccount(fd *frontDoor, srv *awsemu.Server, account string, release <-chan struct{}) (held func() int) {
	var mu sync.Mutex
	keys, n := map[string]bool{}, 0
	f := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := akidRE.FindStringSubmatch(r.Header.Get("Authorization"))
		mu.Lock()
		stall := m != nil && keys[m[1]] && strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".LookupEvents")
		if stall {
			n++
		}
		mu.Unlock()
		if stall {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, r)
		if m := assumedRE.FindSubmatch(rec.Body.Bytes()); m != nil && string(m[1]) == account {
			mu.Lock()
			keys[string(m[2])] = true
			mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
	fd.override.Store(&f)
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

// An account whose LookupEvents hang (a slow or black-holed endpoint for its keys) holds
// up no other account: the others are polled and delivered meanwhile, and the slow one
// catches up once its requests are answered.
func TestSlowAccountSlowsNoOther(t *testing.T) {
	h, fd := newFrontHarness(t, awsemu.Options{RequestsPerSecond: -1, Roles: awsemu.ReaderRoles("reader", "", acctA, acctB, acctC)})
	t.Setenv("AWS_ENDPOINT_URL_STS", h.url)
	release := make(chan struct{})
	held := stallAccount(fd, h.srv, acctA, release)
	a, b, c := h.addAccountEvents(acctA, 5), h.addAccountEvents(acctB, 5), h.addAccountEvents(acctC, 5)
	cfg := h.config()
	for _, acct := range []string{acctA, acctB, acctC} {
		cfg.Accounts = append(cfg.Accounts, AccountConfig{RoleARN: "arn:aws:iam::" + acct + ":role/reader"})
	}
	logs, sink, w := &logBuffer{}, &gate{}, newWaits()
	r := h.startLogged(cfg, sink, w, logs.logger())
	defer func() { require.NoError(t, r.Shutdown(context.Background())) }()
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() == len(b)+len(c) }, 30*time.Second, 5*time.Millisecond)
	require.Positive(t, held(), "A's requests are held")
	assert.ElementsMatch(t, append(idsOf(b), idsOf(c)...), eventIDs(&sink.sink), "B and C delivered while A hangs")

	close(release)
	tickUntil(t, w, func() bool { return sink.sink.LogRecordCount() == len(a)+len(b)+len(c) })
	assert.ElementsMatch(t, append(append(idsOf(a), idsOf(b)...), idsOf(c)...), eventIDs(&sink.sink))
}
