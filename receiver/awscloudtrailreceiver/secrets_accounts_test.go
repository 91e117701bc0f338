// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

var issuedSecretRE = regexp.MustCompile(`<(SecretAccessKey|SessionToken|AccessKeyId)>([^<]+)</`)

// issued records the credentials AssumeRole hands out through the emulator behind fd.
type issued struct {
	mu     sync.Mutex
	values []string
}

func (i *issued) all() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.values...)
}

// recordIssued makes fd pass every request to srv and keep the keys, secrets and session
// tokens of the answers.
func recordIssued(fd *frontDoor, srv *awsemu.Server) *issued {
	out := &issued{}
	f := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, r)
		for _, m := range issuedSecretRE.FindAllSubmatch(rec.Body.Bytes(), -1) {
			out.mu.Lock()
			out.values = append(out.values, string(m[2]))
			out.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(bytes.Clone(rec.Body.Bytes()))
	})
	fd.override.Store(&f)
	return out
}

// At organization scale, logging at Debug: discovery, accounts read through roles with
// an external ID, one whose role refuses the external ID, the base identity's own
// account. No line holds the base identity's secrets, the keys, secrets or session tokens
// AssumeRole issued, a request signature, or the external IDs.
func TestNoCredentialInAnyLogLineAcrossAccounts(t *testing.T) {
	setFakeCredentials(t)
	const orgExt, acctExt = "org-external-id-7f3a9c", "listed-external-id-51be02"
	roles := append(awsemu.ReaderRoles("reader", orgExt, acctA, acctB), awsemu.ReaderRoles("lister", acctExt, acctC)...)
	roles[1].ExternalID = "another-external-id" // B's trust policy asks for another one
	h, fd := newFrontHarness(t, awsemu.Options{RequestsPerSecond: -1, Roles: roles,
		Organization: []awsemu.OrgAccount{{ID: acctA}, {ID: acctB}}})
	t.Setenv("AWS_ENDPOINT_URL_STS", h.url)
	t.Setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", h.url)
	got := recordIssued(fd, h.srv)
	a, c := h.addAccountEvents(acctA, 5), h.addAccountEvents(acctC, 5)
	cfg := h.config()
	cfg.Accounts = []AccountConfig{{RoleARN: "arn:aws:iam::" + acctC + ":role/lister", ExternalID: acctExt}}
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", ExternalID: orgExt, RefreshInterval: time.Hour})
	logs, sink, w := &logBuffer{}, &gate{}, newWaits()
	r := h.startLogged(cfg, sink, w, logs.logger())
	require.Eventually(t, func() bool { return sink.sink.LogRecordCount() >= len(a)+len(c) }, 30*time.Second, 5*time.Millisecond)
	tickUntil(t, w, func() bool { return h.host.lastErr() != nil })
	require.NoError(t, r.Shutdown(context.Background()))

	log := logs.String()
	assert.Contains(t, log, `"L":"DEBUG"`, "the Debug level was on")
	assert.Contains(t, log, "account "+acctB, "B's refusal is in the log")
	secrets := append([]string{fakeSecret, fakeToken, fakeAccessKey, orgExt, acctExt}, got.all()...)
	require.Greater(t, len(got.all()), 3, "AssumeRole issued credentials")
	requireNotLogged(t, log, secrets, fd.signatures())
}
