// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// orgClient returns an Organizations client of the harness for akid, retries off.
func (h *harness) orgClient(akid string) *organizations.Client {
	return organizations.New(organizations.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(h.url),
		Credentials:      credentials.NewStaticCredentialsProvider(akid, "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       NewHTTPClient(),
	})
}

// listAll pages through ListAccounts with page size n and returns the accounts and
// the number of pages.
func listAll(t *testing.T, c *organizations.Client, n int32) ([]types.Account, int) {
	t.Helper()
	var all []types.Account
	pages := 0
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{MaxResults: aws.Int32(n)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		require.NoError(t, err)
		all = append(all, out.Accounts...)
		pages++
	}
	return all, pages
}

func members(n int) []OrgAccount {
	out := make([]OrgAccount, n)
	for i := range out {
		out[i] = OrgAccount{ID: fmt.Sprintf("%012d", 100000000000+i)}
	}
	return out
}

func TestListAccountsPagesAndStates(t *testing.T) {
	accts := members(7)
	accts[1].State, accts[2].State, accts[3].State = AccountSuspended, AccountPendingClosure, AccountClosed
	accts[4].Name, accts[4].Email = "prod", "prod@example.org"
	h := newHarness(t, Options{Organization: accts})
	got, pages := listAll(t, h.orgClient(testAKID), 3)
	require.Len(t, got, 8, "seven members and the management account")
	assert.Equal(t, 3, pages)
	ids := make([]string, len(got))
	for i, a := range got {
		ids[i] = aws.ToString(a.Id)
	}
	assert.Equal(t, []string{"100000000000", "100000000001", "100000000002", "100000000003", "100000000004",
		"100000000005", "100000000006", DefaultAccountID}, ids)

	assert.Equal(t, types.AccountStateActive, got[0].State)
	assert.Equal(t, types.AccountStatusActive, got[0].Status)
	assert.Equal(t, types.AccountStateSuspended, got[1].State)
	assert.Equal(t, types.AccountStatusSuspended, got[1].Status)
	assert.Equal(t, types.AccountStatePendingClosure, got[2].State)
	assert.Equal(t, types.AccountStatusPendingClosure, got[2].Status)
	assert.Equal(t, types.AccountStateClosed, got[3].State)
	assert.Empty(t, got[3].Status, "Status has no CLOSED")
	assert.Equal(t, "prod", aws.ToString(got[4].Name))
	assert.Equal(t, "prod@example.org", aws.ToString(got[4].Email))
	assert.Equal(t, "account-100000000000", aws.ToString(got[0].Name))
	assert.Regexp(t, `^arn:aws:organizations::123456789012:account/o-[a-z0-9]{10}/100000000000$`, aws.ToString(got[0].Arn))
	assert.True(t, t0.Equal(*got[0].JoinedTimestamp))
	assert.Equal(t, types.AccountJoinedMethodInvited, got[7].JoinedMethod, "the management account")

	recs := h.srv.Requests()
	assert.Equal(t, "organizations", recs[0].Service)
	assert.Equal(t, "ListAccounts", recs[0].Operation)
}

// A NextToken is the last account returned: accounts added or removed between pages
// are neither repeated nor skipped.
func TestListAccountsTokenSurvivesChanges(t *testing.T) {
	h := newHarness(t, Options{Organization: members(4)})
	c := h.orgClient(testAKID)
	first, err := c.ListAccounts(context.Background(), &organizations.ListAccountsInput{MaxResults: aws.Int32(2)})
	require.NoError(t, err)
	require.NotNil(t, first.NextToken)
	h.srv.SetOrganization(members(6)[1:]) // 100000000000 leaves, two join
	rest, err := c.ListAccounts(context.Background(), &organizations.ListAccountsInput{NextToken: first.NextToken})
	require.NoError(t, err)
	var ids []string
	for _, a := range rest.Accounts {
		ids = append(ids, aws.ToString(a.Id))
	}
	assert.Equal(t, []string{"100000000002", "100000000003", "100000000004", "100000000005", DefaultAccountID}, ids)
	assert.Nil(t, rest.NextToken)
}

func TestListAccountsErrors(t *testing.T) {
	h := newHarness(t, Options{Organization: members(2), Accounts: map[string]string{"AKIDMEMBER": "100000000001"}})
	_, err := h.orgClient("AKIDMEMBER").ListAccounts(context.Background(), &organizations.ListAccountsInput{})
	requireAPIError(t, err, "AccessDeniedException")

	_, err = h.orgClient(testAKID).ListAccounts(context.Background(), &organizations.ListAccountsInput{NextToken: aws.String("garbage")})
	requireAPIError(t, err, "InvalidInputException")
	var inv *types.InvalidInputException
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, types.InvalidInputExceptionReasonInvalidPaginationToken, inv.Reason)

	_, err = h.orgClient(testAKID).ListAccounts(context.Background(), &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
	requireAPIError(t, err, "InvalidInputException")

	h.srv.SetOrganization(nil)
	_, err = h.orgClient(testAKID).ListAccounts(context.Background(), &organizations.ListAccountsInput{})
	requireAPIError(t, err, "AWSOrganizationsNotInUseException")
	assert.Nil(t, h.srv.Organization())

	status, _, out := rawPost(t, h.url, "/", ListAccountsTarget, "", `{}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "MissingAuthenticationTokenException", out["__type"])
}

// Without Options.Organization there is no organization.
func TestNoOrganizationByDefault(t *testing.T) {
	h := newHarness(t, Options{})
	_, err := h.orgClient(testAKID).ListAccounts(context.Background(), &organizations.ListAccountsInput{})
	requireAPIError(t, err, "AWSOrganizationsNotInUseException")
}
