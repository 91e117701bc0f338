// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package accounts

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// largeOrg answers ListAccounts for n accounts, 20 a page, skipping skip and adding extra.
func largeOrg(n int, skip, extra string) *fakeLister {
	ids := make([]string, 0, n+1)
	for i := range n {
		if id := fmt.Sprintf("%012d", 100000000000+i); id != skip {
			ids = append(ids, id)
		}
	}
	if extra != "" {
		ids = append(ids, extra)
	}
	return &fakeLister{pages: func(_ int, token *string) (*organizations.ListAccountsOutput, error) {
		from := 0
		if token != nil {
			from, _ = strconv.Atoi(*token)
		}
		to := min(from+20, len(ids))
		out := &organizations.ListAccountsOutput{}
		for _, id := range ids[from:to] {
			out.Accounts = append(out.Accounts, types.Account{Id: aws.String(id), State: types.AccountStateActive})
		}
		if to < len(ids) {
			out.NextToken = aws.String(strconv.Itoa(to))
		}
		return out, nil
	}}
}

// An organization of 19,000 accounts is listed whole, and the log line that reports it
// counts the accounts but names at most maxLoggedIDs of them.
func TestLargeOrganizationIsListedAndLoggedInBrief(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	d := NewDiscoverer(Config{RoleName: "r"}, largeOrg(19000, "", ""), nil, zap.New(core))
	got, err := d.Refresh(context.Background())
	require.NoError(t, err)
	require.Len(t, got, 19000)

	d.orgs = largeOrg(19000, "100000000007", "999999999999")
	got, err = d.Refresh(context.Background())
	require.NoError(t, err)
	require.Len(t, got, 19000)

	entries := logs.FilterMessage("Organization accounts").All()
	require.Len(t, entries, 2)
	first, second := entries[0].ContextMap(), entries[1].ContextMap()
	assert.EqualValues(t, 19000, first["added"])
	assert.Len(t, first["added_ids"], 50)
	assert.EqualValues(t, 1, second["added"])
	assert.Equal(t, []any{"999999999999"}, second["added_ids"])
	assert.EqualValues(t, 1, second["removed"])
	assert.Equal(t, []any{"100000000007"}, second["removed_ids"])
}

// BenchmarkRefreshLargeOrganization lists 19,000 accounts and compares them with the last
// list: go test -run '^$' -bench RefreshLargeOrganization -count 6 ./internal/accounts/
func BenchmarkRefreshLargeOrganization(b *testing.B) {
	d := NewDiscoverer(Config{RoleName: "r"}, largeOrg(19000, "", ""), nil, zap.NewNop())
	for b.Loop() {
		if _, err := d.Refresh(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// An answer with an account that has no ID, or not a 12-digit one, skips that account:
// no role ARN is built from it and nothing polls it.
func TestDiscoverSkipsAccountsWithoutAnID(t *testing.T) {
	f := &fakeLister{pages: func(int, *string) (*organizations.ListAccountsOutput, error) {
		return &organizations.ListAccountsOutput{Accounts: []types.Account{
			{State: types.AccountStateActive},
			acct("", types.AccountStateActive, ""),
			acct("12345", types.AccountStateActive, ""),
			acct("100000000001", types.AccountStateActive, ""),
		}}, nil
	}}
	d := NewDiscoverer(Config{RoleName: "r"}, f, nil, nil)
	got, err := d.Refresh(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"100000000001"}, ids(got))
}
