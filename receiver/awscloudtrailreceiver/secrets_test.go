// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// Known fake credentials, with a session token, that must never reach a log line.
const (
	fakeAccessKey = "ASIAFAKEKEYFORTEST01"
	fakeSecret    = "fakeSecretKey/ForTests+0123456789abcdefABCDEF"
	fakeToken     = "FakeSessionTokenForTests/IQoJb3JpZ2luX2VjEFAKE+0123456789abcdefghijklmnop=="
)

func setFakeCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", fakeAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", fakeSecret)
	t.Setenv("AWS_SESSION_TOKEN", fakeToken)
	t.Setenv("AWS_MAX_ATTEMPTS", "1") // every failure reaches the receiver's log at once
}

// requireNotLogged fails when log holds a secret, or one of the signatures sent.
func requireNotLogged(t *testing.T, log string, secrets, sigs []string) {
	t.Helper()
	for _, s := range secrets {
		require.NotContains(t, log, s)
	}
	require.NotEmpty(t, sigs)
	for _, sig := range sigs {
		require.NotContains(t, log, sig, "a SigV4 signature was logged")
	}
}

// A receiver logging at Debug level goes through success, throttling, 5xx, access denied,
// a refused NextToken and a refused batch: no line holds the secret key, the session
// token, a request signature, or the access key ID.
func TestNoCredentialInAnyLogLine(t *testing.T) {
	setFakeCredentials(t)
	h, fd := newFrontHarness(t, awsemu.Options{RequestsPerSecond: -1})
	h.addEvents(defaultEventSource, 20)
	logs := &logBuffer{}
	next, w := &gate{}, newWaits()
	cfg := h.config()
	cfg.RequestsPerSecond = 50
	r := h.startLogged(cfg, next, w, logs.logger())
	w.first(t)
	require.Equal(t, 20, next.sink.LogRecordCount())

	for _, sc := range logScenarios(h, fd, next) {
		sc.setup()
		w.poll(t)
		assert.Contains(t, logs.String(), sc.want, sc.name)
	}
	require.NoError(t, r.Shutdown(context.Background()))

	log := logs.String()
	assert.Contains(t, log, `"L":"DEBUG"`, "the Debug level was on")
	requireNotLogged(t, log, []string{fakeSecret, fakeToken, fakeAccessKey}, fd.signatures())
	assert.Equal(t, 80, next.sink.LogRecordCount(), "every event once, after the recovery")
}

// logScenario is one poll: setup runs before it, want is in the log after it.
type logScenario struct {
	name  string
	setup func()
	want  string
}

// logScenarios are the polls of TestNoCredentialInAnyLogLine, each failing differently.
func logScenarios(h *harness, fd *frontDoor, next *gate) []logScenario {
	return []logScenario{
		{"throttling", func() { h.srv.SetFaults(awsemu.Faults{ThrottleStorm: true}) }, "ThrottlingException"},
		{"throttling again", func() {}, "Poll failed again"}, // logged at Debug, with the error
		{"5xx", func() { h.srv.SetFaults(awsemu.Faults{ErrorRate: 1}) }, "StatusCode: 50"},
		{"access denied", func() {
			h.srv.SetFaults(awsemu.Faults{})
			fd.answer(http.StatusBadRequest, "application/x-amz-json-1.1", `{"__type":"AccessDeniedException",`+
				`"message":"User: arn:aws:sts::123456789012:assumed-role/reader/x is not authorized to perform: cloudtrail:LookupEvents"}`)
		}, "AccessDeniedException"},
		{"invalid next token", func() {
			fd.answer(0, "", "")
			now := time.Now().UTC()
			for i := range 60 { // more than one page in the overlap window
				h.srv.Store().Add(awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource,
					EventTime: now.Add(-time.Duration(i) * time.Second)}))
			}
			h.srv.SetFaults(awsemu.Faults{InvalidateTokens: true})
		}, "InvalidNextTokenException"},
		{"pipeline refusal", func() {
			h.srv.SetFaults(awsemu.Faults{})
			next.closed.Store(true)
		}, errRefused.Error()},
		{"recovery", func() { next.closed.Store(false) }, "Poll recovered"},
	}
}

// The SDK's own request, response and signing logs are off whatever the shared config
// says (the cloudtrail package tests that NewSDKClient keeps them off).
func TestAWSConfigLogsNothing(t *testing.T) {
	setFakeCredentials(t)
	cfg := createDefaultConfig().(*Config)
	cfg.RoleARN = "arn:aws:iam::123456789012:role/reader"
	awsCfg, err := loadAWSConfig(context.Background(), cfg, "us-east-1")
	require.NoError(t, err)
	assert.Zero(t, awsCfg.ClientLogMode)
}
