// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// iamActions maps the requests the emulator answered to the IAM actions they need:
// CloudTrail's awsJson targets to cloudtrail:, anything else to other: unless stsActions
// is set, when requests without a target are the fake STS's and its actions are sts:.
func iamActions(recs []awsemu.RequestRecord, stsActions []string) []string {
	set := map[string]bool{}
	for _, r := range recs {
		switch {
		case r.Target == "CloudTrail_20131101."+r.Operation:
			set["cloudtrail:"+r.Operation] = true
		case r.Target == "" && stsActions != nil:
			// the fake STS, served as the emulator's fallback
		default:
			set["other:"+r.Operation] = true
		}
	}
	for _, a := range stsActions {
		set["sts:"+a] = true
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// readmePolicyActions returns the actions of the README's minimal IAM policy.
func readmePolicyActions(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)### Minimal IAM policy\\s+```json\\n(.*?)```").FindSubmatch(b)
	require.NotNil(t, m, "the README has a Minimal IAM policy JSON block")
	var policy struct {
		Statement []struct {
			Effect, Action, Resource string
		}
	}
	require.NoError(t, json.Unmarshal(m[1], &policy))
	var actions []string
	for _, st := range policy.Statement {
		assert.Equal(t, "Allow", st.Effect)
		actions = append(actions, st.Action)
	}
	sort.Strings(actions)
	return actions
}

// Across a run (a backfill over several pages, then more polls), the receiver calls
// LookupEvents and nothing else: exactly the README's policy, which is least privilege.
func TestReceiverCallsOnlyLookupEvents(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	evs := h.addEvents(defaultEventSource, 120)
	sink := new(consumertest.LogsSink)
	tick := make(ticks)
	r := h.start(h.config(), sink, tick)
	require.Eventually(t, func() bool { return sink.LogRecordCount() >= len(evs) }, 30*time.Second, 10*time.Millisecond)
	tick <- time.Now()
	tick <- time.Now()
	require.NoError(t, r.Shutdown(context.Background()))

	recs := h.srv.Requests()
	require.GreaterOrEqual(t, len(recs), 4, "three pages, then two more polls")
	actions := iamActions(recs, nil)
	assert.Equal(t, []string{"cloudtrail:LookupEvents"}, actions)
	assert.Equal(t, []stsCall{{Action: "GetCallerIdentity", Region: "us-east-1", AccessKey: "AKIAIOSFODNN7EXAMPLE",
		Form: map[string]string{"Action": "GetCallerIdentity", "Version": "2011-06-15"}}}, h.sts.actions(),
		"and, once, sts:GetCallerIdentity, which needs no IAM permission")
	assert.Equal(t, actions, readmePolicyActions(t), "the README's policy is exactly what the receiver uses")
}

// assumedCredentials is what the fake STS hands out for role_arn.
var assumedCredentials = struct{ AccessKey, Secret, Token string }{
	"ASIAASSUMEDROLEKEY01", "assumedSecretKey/ForTests+abcdefABCDEF0123456789", "AssumedSessionTokenForTests/FAKE+0123456789==",
}

func assumeRoleResponse(expires time.Time) string {
	return strings.NewReplacer("AKID", assumedCredentials.AccessKey, "SECRET", assumedCredentials.Secret,
		"TOKEN", assumedCredentials.Token, "EXPIRES", expires.UTC().Format(time.RFC3339)).Replace(
		`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
			`<Credentials><AccessKeyId>AKID</AccessKeyId><SecretAccessKey>SECRET</SecretAccessKey>` +
			`<SessionToken>TOKEN</SessionToken><Expiration>EXPIRES</Expiration></Credentials>` +
			`<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/reader/otelcol-awscloudtrail</Arn>` +
			`<AssumedRoleId>AROAFAKEROLEID:otelcol-awscloudtrail</AssumedRoleId></AssumedRoleUser>` +
			`</AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>` +
			`</ResponseMetadata></AssumeRoleResponse>`)
}

// With role_arn the receiver adds sts:AssumeRole, signed with its own credentials, and
// signs LookupEvents with the role's. No credential of either reaches a log line.
func TestRoleARNAddsOnlyAssumeRole(t *testing.T) {
	setFakeCredentials(t)
	h, fd := newFrontHarness(t, awsemu.Options{RequestsPerSecond: -1})
	evs := h.addEvents(defaultEventSource, 10)
	cfg := h.config()
	cfg.RoleARN, cfg.ExternalID = "arn:aws:iam::123456789012:role/reader", "ext-0123"
	logs, sink, w := &logBuffer{}, &gate{}, newWaits()
	r := h.startLogged(cfg, sink, w, logs.logger())
	w.first(t)
	w.poll(t)
	require.NoError(t, r.Shutdown(context.Background()))
	require.Equal(t, len(evs), sink.sink.LogRecordCount())

	calls := h.sts.actions()
	require.Len(t, calls, 2, "the role's credentials and the account are cached")
	assume, identity := calls[0], calls[1]
	assert.Equal(t, "AssumeRole", assume.Action)
	assert.Equal(t, cfg.RoleARN, assume.Form["RoleArn"])
	assert.Equal(t, cfg.ExternalID, assume.Form["ExternalId"])
	assert.Equal(t, sessionName, assume.Form["RoleSessionName"])
	assert.Equal(t, fakeAccessKey, assume.AccessKey, "AssumeRole is signed with the collector's credentials")
	assert.Equal(t, "GetCallerIdentity", identity.Action, "needs no IAM permission")
	assert.Equal(t, assumedCredentials.AccessKey, identity.AccessKey, "the account is the role's")
	recs := h.srv.Requests()
	assert.Equal(t, []string{"cloudtrail:LookupEvents", "sts:AssumeRole"}, iamActions(recs, []string{"AssumeRole"}))
	for _, rec := range recs {
		assert.Equal(t, assumedCredentials.AccessKey, rec.AccessKeyID, "LookupEvents is signed with the role's")
	}
	requireNotLogged(t, logs.String(), []string{fakeSecret, fakeToken, fakeAccessKey,
		assumedCredentials.Secret, assumedCredentials.Token, assumedCredentials.AccessKey}, fd.signatures())
}
