// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	acctA = "111111111111"
	acctB = "222222222222"
)

// roleClient returns a CloudTrail client whose credentials come from assuming roleARN
// with the base key, through the SDK's own AssumeRole provider and cache.
func (h *harness) roleClient(base, roleARN, externalID string) *cloudtrail.Client {
	prov := stscreds.NewAssumeRoleProvider(h.stsClient(base, "us-east-1"), roleARN,
		func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "otelcol"
			if externalID != "" {
				o.ExternalID = aws.String(externalID)
			}
		})
	return h.client("unused", func(o *cloudtrail.Options) { o.Credentials = aws.NewCredentialsCache(prov) })
}

func TestAssumeRoleReadsTheRoleAccount(t *testing.T) {
	h := newHarness(t, Options{Roles: ReaderRoles("reader", "ext-1", acctA, acctB)})
	def := h.seed(2, t0.Add(-time.Hour), nil)
	a := h.seed(3, t0.Add(-time.Hour), func(_ int, s *RecordSpec) { s.Account = acctA })
	b := h.seed(4, t0.Add(-time.Hour), func(_ int, s *RecordSpec) { s.Account = acctB })

	for _, acct := range []string{acctA, acctB} { // in this order: the requests are checked in order below
		want := map[string][]Event{acctA: a, acctB: b}[acct]
		got, _ := lookupAll(t, h.roleClient(testAKID, "arn:aws:iam::"+acct+":role/reader", "ext-1"), &cloudtrail.LookupEventsInput{})
		assert.Equal(t, newestFirstIDs(want), eventIDs(got), acct)
	}
	got, _ := lookupAll(t, h.client(testAKID), &cloudtrail.LookupEventsInput{})
	assert.Equal(t, newestFirstIDs(def), eventIDs(got), "the base key still reads the default account")

	lookups := Filter(h.srv.Requests(), func(r RequestRecord) bool { return r.Operation == "LookupEvents" })
	require.Len(t, lookups, 3)
	assert.Equal(t, []string{acctA, acctB, DefaultAccountID},
		[]string{lookups[0].Account, lookups[1].Account, lookups[2].Account})
	assert.Regexp(t, `^ASIA[A-Z2-7]{16}$`, lookups[0].AccessKeyID)
	assert.NotEqual(t, lookups[0].AccessKeyID, lookups[1].AccessKeyID)
}

func TestAssumeRoleAnswer(t *testing.T) {
	h := newHarness(t, Options{Roles: []Role{{ARN: "arn:aws:iam::" + acctA + ":role/ops/reader", MaxSessionDuration: 2 * time.Hour}}})
	out, err := h.stsClient(testAKID, "eu-west-1").AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + acctA + ":role/ops/reader"), RoleSessionName: aws.String("s-1"),
		DurationSeconds: aws.Int32(7200)})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::"+acctA+":assumed-role/reader/s-1", aws.ToString(out.AssumedRoleUser.Arn))
	assert.Regexp(t, `^AROA[A-Z0-9]{17}:s-1$`, aws.ToString(out.AssumedRoleUser.AssumedRoleId))
	assert.True(t, t0.Add(2*time.Hour).Equal(*out.Credentials.Expiration), "expiration by the server clock")
	assert.NotEmpty(t, aws.ToString(out.Credentials.SecretAccessKey))
	assert.NotEmpty(t, aws.ToString(out.Credentials.SessionToken))

	id, err := h.stsClient(aws.ToString(out.Credentials.AccessKeyId), "eu-west-1").
		GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, acctA, aws.ToString(id.Account))
	assert.Equal(t, aws.ToString(out.AssumedRoleUser.Arn), aws.ToString(id.Arn))
	assert.Equal(t, aws.ToString(out.AssumedRoleUser.AssumedRoleId), aws.ToString(id.UserId))
}

func TestAssumeRoleRefusals(t *testing.T) {
	roles := append(ReaderRoles("reader", "ext-1", acctA),
		Role{ARN: "arn:aws:iam::" + acctB + ":role/open"},
		Role{ARN: "arn:aws:iam::333333333333:role/trusting-a", TrustedAccounts: []string{acctA}})
	h := newHarness(t, Options{Roles: roles, Accounts: map[string]string{"AKIDFROMA": acctA},
		Organization: []OrgAccount{{ID: acctA}, {ID: acctB, State: AccountSuspended}}})
	role := func(acct, name string) string { return "arn:aws:iam::" + acct + ":role/" + name }
	tests := []struct {
		name, akid, arn, session string
		ext                      *string
		dur                      *int32
		code                     string
		status                   int
	}{
		{"no external id", testAKID, role(acctA, "reader"), "s", nil, nil, "AccessDenied", 403},
		{"wrong external id", testAKID, role(acctA, "reader"), "s", aws.String("ext-2"), nil, "AccessDenied", 403},
		{"no such role", testAKID, role(acctA, "writer"), "s", aws.String("ext-1"), nil, "AccessDenied", 403},
		{"untrusted account", testAKID, role("333333333333", "trusting-a"), "s", nil, nil, "AccessDenied", 403},
		{"suspended account", testAKID, role(acctB, "open"), "s", nil, nil, "AccessDenied", 403},
		{"bad session name", testAKID, role(acctA, "reader"), "has space", aws.String("ext-1"), nil, "ValidationError", 400},
		{"short external id", testAKID, role(acctA, "reader"), "s", aws.String("e"), nil, "ValidationError", 400},
		{"duration too short", testAKID, role(acctA, "reader"), "s", aws.String("ext-1"), aws.Int32(60), "ValidationError", 400},
		{"duration over the role's max", testAKID, role(acctA, "reader"), "s", aws.String("ext-1"), aws.Int32(7200), "ValidationError", 400},
		{"malformed arn", testAKID, "arn:aws:iam::1111:role/reader", "s", nil, nil, "ValidationError", 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			session := tc.session
			if session == "s" {
				session = "s-1"
			}
			_, err := h.stsClient(tc.akid, "us-east-1").AssumeRole(context.Background(), &sts.AssumeRoleInput{
				RoleArn: aws.String(tc.arn), RoleSessionName: aws.String(session), ExternalId: tc.ext, DurationSeconds: tc.dur})
			requireAPIError(t, err, tc.code)
			var re interface{ HTTPStatusCode() int }
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.status, re.HTTPStatusCode())
			if tc.code == "AccessDenied" {
				assert.Contains(t, err.Error(), "User: arn:aws:iam::123456789012:user/user-akidexample is not authorized to perform: sts:AssumeRole on resource: "+tc.arn)
			}
		})
	}
	_, err := h.stsClient("AKIDFROMA", "us-east-1").AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String(role("333333333333", "trusting-a")), RoleSessionName: aws.String("s-1")})
	require.NoError(t, err, "the trusted account's principals may assume it")
	rec := h.srv.Requests()[0]
	assert.Equal(t, "AssumeRole", rec.Operation)
	assert.Equal(t, http.StatusForbidden, rec.Status)
	assert.Equal(t, "AccessDenied", rec.ErrorCode)
}

// One quota per account-region: two accounts read through roles each get their own.
func TestQuotaPerAssumedAccount(t *testing.T) {
	h := newHarness(t, Options{RequestsPerSecond: 1, Burst: 1, Roles: ReaderRoles("reader", "", acctA, acctB)})
	ca := h.roleClient(testAKID, "arn:aws:iam::"+acctA+":role/reader", "")
	cb := h.roleClient(testAKID, "arn:aws:iam::"+acctB+":role/reader", "")
	for _, c := range []*cloudtrail.Client{ca, cb, h.client(testAKID)} {
		_, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
		require.NoError(t, err)
	}
	_, err := lookup(t, ca, &cloudtrail.LookupEventsInput{})
	requireAPIError(t, err, "ThrottlingException")
	h.clock.Advance(time.Second)
	_, err = lookup(t, ca, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
}
