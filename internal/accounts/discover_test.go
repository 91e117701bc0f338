// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package accounts

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const mgmt = awsemu.DefaultAccountID

type env struct {
	srv  *awsemu.Server
	url  string
	orgs *organizations.Client
	sts  *sts.Client
}

// newEnv starts the emulator with an organization and roles; the clients sign with a
// key of the management account and do not retry.
func newEnv(t *testing.T, members []awsemu.OrgAccount, roles []awsemu.Role) *env {
	t.Helper()
	srv := awsemu.New(awsemu.Options{RequestsPerSecond: -1, Organization: members, Roles: roles})
	url, err := srv.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	creds := credentials.NewStaticCredentialsProvider("AKIDBASE", "secret", "")
	return &env{srv: srv, url: url,
		orgs: organizations.New(organizations.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
			Credentials: creds, RetryMaxAttempts: 1, HTTPClient: awsemu.NewHTTPClient()}),
		sts: sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
			Credentials: creds, RetryMaxAttempts: 1, HTTPClient: awsemu.NewHTTPClient()}),
	}
}

func member(n int, state string) awsemu.OrgAccount {
	return awsemu.OrgAccount{ID: fmt.Sprintf("%012d", 100000000000+n), State: state}
}

func ids(list []Account) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.ID
	}
	return out
}

func TestDiscoverActiveAccountsWithRoles(t *testing.T) {
	members := []awsemu.OrgAccount{member(1, ""), member(2, awsemu.AccountSuspended),
		member(3, awsemu.AccountPendingClosure), member(4, awsemu.AccountClosed), member(5, ""), member(6, "")}
	e := newEnv(t, members, nil)
	d := NewDiscoverer(Config{RoleName: "reader", ExternalID: "ext-1", BaseAccount: mgmt, Partition: "aws-us-gov"},
		e.orgs, STSProbe(e.sts), nil)
	got, err := d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"100000000001", "100000000005", "100000000006", mgmt}, ids(got), "ACTIVE only")
	assert.Equal(t, Account{ID: "100000000001", Name: "account-100000000001", ExternalID: "ext-1",
		RoleARN: "arn:aws-us-gov:iam::100000000001:role/reader"}, got[0])
	assert.Equal(t, Account{ID: mgmt, Name: "management"}, got[3],
		"no reader role in the management account: read with the base identity")
	assert.Equal(t, got, d.Accounts())
}

func TestDiscoverBaseAccountThroughItsRole(t *testing.T) {
	e := newEnv(t, []awsemu.OrgAccount{member(1, "")}, awsemu.ReaderRoles("reader", "", mgmt))
	d := NewDiscoverer(Config{RoleName: "reader", BaseAccount: mgmt}, e.orgs, STSProbe(e.sts), nil)
	got, err := d.Refresh(context.Background())
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "arn:aws:iam::"+mgmt+":role/reader", got[1].RoleARN, "the role exists there: use it")
	probes := awsemu.Filter(e.srv.Requests(), func(r awsemu.RequestRecord) bool { return r.Operation == "AssumeRole" })
	require.Len(t, probes, 1, "only the base account is probed")
}

func TestDiscoverIncludeExclude(t *testing.T) {
	e := newEnv(t, []awsemu.OrgAccount{member(1, ""), member(2, ""), member(3, ""), member(4, awsemu.AccountSuspended)}, nil)
	d := NewDiscoverer(Config{RoleName: "r", BaseAccount: mgmt,
		Include: []string{"100000000001", "100000000002", "100000000004", "999999999999"}, Exclude: []string{"100000000002"}},
		e.orgs, nil, nil)
	got, err := d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"100000000001"}, ids(got), "included, not excluded, ACTIVE and a member")

	d = NewDiscoverer(Config{RoleName: "r", BaseAccount: mgmt, Exclude: []string{mgmt, "100000000003"}}, e.orgs, nil, nil)
	got, err = d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"100000000001", "100000000002"}, ids(got))
}

func TestDiscoverPagesThroughLargeOrganizations(t *testing.T) {
	var members []awsemu.OrgAccount
	for i := range 45 {
		members = append(members, member(i, ""))
	}
	e := newEnv(t, members, nil)
	d := NewDiscoverer(Config{RoleName: "r", BaseAccount: mgmt}, e.orgs, nil, nil)
	got, err := d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Len(t, got, 46)
	assert.Len(t, e.srv.Requests(), 3, "20 accounts a page")
}

// New accounts appear, removed and suspended ones disappear; a failed listing keeps
// the last list and is logged once until it works again.
func TestRefreshFollowsTheOrganizationAndKeepsItOnFailure(t *testing.T) {
	e := newEnv(t, []awsemu.OrgAccount{member(1, ""), member(2, "")}, nil)
	core, logs := observer.New(zap.InfoLevel)
	d := NewDiscoverer(Config{RoleName: "r", BaseAccount: mgmt}, e.orgs, nil, zap.New(core))
	got, err := d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"100000000001", "100000000002", mgmt}, ids(got))

	e.srv.SetOrganization([]awsemu.OrgAccount{member(2, awsemu.AccountSuspended), member(3, "")})
	got, err = d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"100000000003", mgmt}, ids(got))

	e.srv.SetFaults(awsemu.Faults{ErrorRate: 1})
	for range 3 {
		got, err = d.Refresh(context.Background())
		require.Error(t, err)
		assert.Equal(t, []string{"100000000003", mgmt}, ids(got), "the last known list")
	}
	assert.Equal(t, []string{"100000000003", mgmt}, ids(d.Accounts()))
	e.srv.SetFaults(awsemu.Faults{})
	e.srv.SetOrganization(nil) // AWSOrganizationsNotInUseException: still a failure, not "no accounts"
	_, err = d.Refresh(context.Background())
	require.Error(t, err)
	assert.Equal(t, []string{"100000000003", mgmt}, ids(d.Accounts()))

	e.srv.SetOrganization([]awsemu.OrgAccount{member(3, "")})
	_, err = d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, logs.FilterMessageSnippet("failed").Len(), "one warning for the whole outage")
	assert.Equal(t, 1, logs.FilterMessageSnippet("works again").Len())
	for _, entry := range logs.All() {
		assert.NotContains(t, fmt.Sprint(entry.ContextMap()), "secret")
	}
}

// fakeAfter hands out channels that the test fires, with the waits asked for.
type fakeAfter struct {
	next chan pendingWait
	held *pendingWait
}

type pendingWait struct {
	ch chan time.Time
	d  time.Duration
}

func newFakeAfter() *fakeAfter { return &fakeAfter{next: make(chan pendingWait, 16)} }

func (f *fakeAfter) after(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	f.next <- pendingWait{ch, d}
	return ch
}

// waiting blocks until Run waits and returns for how long, without ending the wait.
func (f *fakeAfter) waiting(t *testing.T) time.Duration {
	t.Helper()
	if f.held == nil {
		select {
		case w := <-f.next:
			f.held = &w
		case <-time.After(10 * time.Second):
			t.Fatal("Run never waited")
		}
	}
	return f.held.d
}

// fire ends Run's wait, so it lists again.
func (f *fakeAfter) fire(t *testing.T) {
	t.Helper()
	f.waiting(t)
	f.held.ch <- time.Time{}
	f.held = nil
}

func TestRunCallsOnChangeOnlyForChanges(t *testing.T) {
	e := newEnv(t, []awsemu.OrgAccount{member(1, "")}, nil)
	d := NewDiscoverer(Config{RoleName: "r", BaseAccount: mgmt, RefreshInterval: 10 * time.Minute}, e.orgs, nil, nil)
	fa := newFakeAfter()
	d.After = fa.after
	changes := make(chan []string, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, func(list []Account) { changes <- ids(list) })
	}()
	assert.Equal(t, []string{"100000000001", mgmt}, <-changes, "the first list")
	assert.Equal(t, 10*time.Minute, fa.waiting(t))
	fa.fire(t)
	assert.Equal(t, 10*time.Minute, fa.waiting(t))
	assert.Empty(t, changes, "an unchanged list is not announced")

	e.srv.SetFaults(awsemu.Faults{ErrorRate: 1})
	for _, want := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute,
		8 * time.Minute, 10 * time.Minute, 10 * time.Minute} {
		fa.fire(t)
		assert.Equal(t, want, fa.waiting(t), "backoff after failures, never past the refresh interval")
	}
	assert.Empty(t, changes, "failures announce nothing")

	e.srv.SetFaults(awsemu.Faults{})
	e.srv.SetOrganization([]awsemu.OrgAccount{member(1, ""), member(7, "")})
	fa.fire(t)
	assert.Equal(t, 10*time.Minute, fa.waiting(t))
	assert.Equal(t, []string{"100000000001", "100000000007", mgmt}, <-changes)
	e.srv.SetFaults(awsemu.Faults{ErrorRate: 1})
	fa.fire(t)
	assert.Equal(t, 30*time.Second, fa.waiting(t), "the backoff starts again after a success")
	cancel()
	<-done
}

// Before the first successful listing Run announces nothing, and retries.
func TestRunRetriesTheFirstListing(t *testing.T) {
	e := newEnv(t, nil, nil) // no organization yet
	d := NewDiscoverer(Config{RoleName: "r", BaseAccount: mgmt}, e.orgs, nil, nil)
	fa := newFakeAfter()
	d.After = fa.after
	changes := make(chan []string, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, func(list []Account) { changes <- ids(list) })
	}()
	assert.Equal(t, 30*time.Second, fa.waiting(t))
	assert.Nil(t, d.Accounts())
	assert.Empty(t, changes)
	e.srv.SetOrganization([]awsemu.OrgAccount{})
	fa.fire(t)
	assert.Equal(t, time.Hour, fa.waiting(t))
	assert.Equal(t, []string{mgmt}, <-changes)
	cancel()
	<-done
}

// The probe's answer for the base account stands while the probe cannot tell.
func TestBaseAccountProbeErrorsKeepTheLastAnswer(t *testing.T) {
	e := newEnv(t, []awsemu.OrgAccount{member(1, "")}, nil)
	answers := []struct {
		ok  bool
		err error
	}{{true, nil}, {false, fmt.Errorf("throttled")}, {false, nil}}
	n := 0
	probe := func(context.Context, string, string) (bool, error) {
		a := answers[n]
		n++
		return a.ok, a.err
	}
	d := NewDiscoverer(Config{RoleName: "r", BaseAccount: mgmt}, e.orgs, probe, nil)
	for _, want := range []string{"arn:aws:iam::" + mgmt + ":role/r", "arn:aws:iam::" + mgmt + ":role/r", ""} {
		got, err := d.Refresh(context.Background())
		require.NoError(t, err)
		assert.Equal(t, want, got[1].RoleARN)
	}
}

func TestSTSProbeTellsDeniedFromUnknown(t *testing.T) {
	e := newEnv(t, nil, awsemu.ReaderRoles("reader", "ext-1", "100000000001"))
	probe := STSProbe(e.sts)
	ok, err := probe(context.Background(), "arn:aws:iam::100000000001:role/reader", "ext-1")
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = probe(context.Background(), "arn:aws:iam::100000000001:role/reader", "wrong")
	require.NoError(t, err)
	assert.False(t, ok, "AccessDenied is an answer")
	e.srv.SetFaults(awsemu.Faults{ErrorRate: 1})
	_, err = probe(context.Background(), "arn:aws:iam::100000000001:role/reader", "ext-1")
	require.Error(t, err, "a server error is not")
	recs := e.srv.Requests()
	assert.Equal(t, "AssumeRole", recs[0].Operation)
}

// fakeLister answers ListAccounts from a script of pages.
type fakeLister struct {
	pages func(call int, token *string) (*organizations.ListAccountsOutput, error)
	calls int
}

func (f *fakeLister) ListAccounts(_ context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	f.calls++
	return f.pages(f.calls, in.NextToken)
}

func acct(id string, state types.AccountState, status types.AccountStatus) types.Account {
	return types.Account{Id: aws.String(id), State: state, Status: status}
}

// Empty pages with a token, the same account on two pages, Status-only answers.
func TestDiscoverHostilePages(t *testing.T) {
	f := &fakeLister{pages: func(call int, _ *string) (*organizations.ListAccountsOutput, error) {
		switch call {
		case 1:
			return &organizations.ListAccountsOutput{NextToken: aws.String("t1")}, nil
		case 2:
			return &organizations.ListAccountsOutput{NextToken: aws.String("t2"), Accounts: []types.Account{
				acct("100000000002", "", types.AccountStatusActive), acct("100000000001", types.AccountStateActive, "")}}, nil
		case 3:
			return &organizations.ListAccountsOutput{NextToken: aws.String("t3"), Accounts: []types.Account{
				acct("100000000001", types.AccountStateActive, ""), acct("100000000003", "", types.AccountStatusSuspended),
				acct("100000000004", types.AccountStatePendingActivation, types.AccountStatusActive)}}, nil
		}
		return &organizations.ListAccountsOutput{}, nil
	}}
	d := NewDiscoverer(Config{RoleName: "r"}, f, nil, nil)
	got, err := d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"100000000001", "100000000002"}, ids(got), "State wins over Status; duplicates once")
	assert.Equal(t, 4, f.calls)
}

// An answer that never ends is cut off, and the last list stands.
func TestDiscoverEndlessPagination(t *testing.T) {
	f := &fakeLister{pages: func(call int, _ *string) (*organizations.ListAccountsOutput, error) {
		return &organizations.ListAccountsOutput{NextToken: aws.String(strconv.Itoa(call))}, nil
	}}
	d := NewDiscoverer(Config{RoleName: "r"}, f, nil, nil)
	_, err := d.Refresh(context.Background())
	require.ErrorContains(t, err, "more than 1000 pages")
	assert.Equal(t, maxPages, f.calls)
	assert.Nil(t, d.Accounts())
}

func TestRoleARNAndPartition(t *testing.T) {
	assert.Equal(t, "arn:aws:iam::111111111111:role/reader", RoleARN("", "111111111111", "reader"))
	assert.Equal(t, "arn:aws-cn:iam::111111111111:role/path/reader", RoleARN("aws-cn", "111111111111", "path/reader"))
	assert.Equal(t, "aws-us-gov", Partition("arn:aws-us-gov:sts::111111111111:assumed-role/r/s"))
	assert.Equal(t, "aws", Partition("arn:aws:iam::111111111111:user/alice"))
	assert.Equal(t, "aws", Partition("not an arn"))
}

// Stopping while a listing is under way is neither a failure to log nor a change.
func TestRefreshCancelledIsQuiet(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeLister{pages: func(int, *string) (*organizations.ListAccountsOutput, error) {
		cancel()
		return nil, context.Canceled
	}}
	d := NewDiscoverer(Config{RoleName: "r"}, f, nil, zap.New(core))
	calls := 0
	d.Run(ctx, func([]Account) { calls++ })
	assert.Zero(t, calls)
	assert.Zero(t, logs.Len(), "nothing logged")
}

// Run reports the outcome of every listing: the failures, then nil once one works, so
// the receiver's status can say that the organization cannot be listed.
func TestRunReportsEveryListing(t *testing.T) {
	e := newEnv(t, nil, nil) // no organization yet
	d := NewDiscoverer(Config{RoleName: "r", BaseAccount: mgmt}, e.orgs, nil, nil)
	fa := newFakeAfter()
	d.After = fa.after
	reports := make(chan error, 16)
	d.Report = func(err error) { reports <- err }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, func([]Account) {})
	}()
	fa.waiting(t)
	require.ErrorContains(t, <-reports, "AWSOrganizationsNotInUseException")
	fa.fire(t)
	fa.waiting(t)
	require.Error(t, <-reports)
	e.srv.SetOrganization([]awsemu.OrgAccount{})
	fa.fire(t)
	fa.waiting(t)
	require.NoError(t, <-reports)
	cancel()
	<-done
	assert.Empty(t, reports, "nothing reported once stopped")
}
