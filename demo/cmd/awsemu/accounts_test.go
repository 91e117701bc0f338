// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

func TestAccountsFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-accounts-count", "3", "-seed-events", "10", "-seed-regions", "us-east-1,eu-west-1",
		"-seed-source", "a.amazonaws.com,b.amazonaws.com", "-role-name", "reader", "-external-id", "ext-1",
		"-live-rate", "1"}, io.Discard)
	require.NoError(t, err)
	members := []string{"100000000001", "100000000002", "100000000003"}
	assert.Equal(t, members, cfg.memberAccounts())

	opts := cfg.options(nil)
	require.Len(t, opts.Organization, 3)
	assert.Equal(t, "100000000002", opts.Organization[1].ID)
	assert.Equal(t, awsemu.ReaderRoles("reader", "ext-1", members...), opts.Roles)
	assert.Equal(t, awsemu.Principal{Type: awsemu.IdentityIAMUser, Name: "alice", Account: "100000000003"},
		opts.Principals["AKIAALIC100000000003"])
	assert.Contains(t, opts.Principals, awsemu.DeniedAccessKeyID, "the default principals stay")

	seeds := cfg.seedOptions()
	require.Len(t, seeds, 3*2*2, "accounts x regions x sources")
	ids := map[uint64]bool{}
	perAccount := map[string]int{}
	for _, o := range seeds {
		ids[o.Seed] = true
		perAccount[o.Account]++
	}
	assert.Len(t, ids, 12)
	assert.Equal(t, map[string]int{"100000000001": 4, "100000000002": 4, "100000000003": 4}, perAccount)

	feed := cfg.feedOptions(nil)
	assert.Equal(t, members, feed.Accounts)
	assert.Equal(t, []string{"us-east-1", "eu-west-1"}, feed.Regions)
	assert.Equal(t, []string{"a.amazonaws.com", "b.amazonaws.com"}, feed.Sources)
	assert.InDelta(t, 1.0, feed.Rate, 0)

	cfg, err = parseFlags([]string{"-accounts", "111111111111,222222222222"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"111111111111", "222222222222"}, cfg.fleetAccounts())
}

// Without -accounts nothing changes: one account, no organization, no roles.
func TestNoAccountsFlagsKeepTheDefaults(t *testing.T) {
	cfg, err := parseFlags([]string{"-seed-events", "5"}, io.Discard)
	require.NoError(t, err)
	assert.Nil(t, cfg.memberAccounts())
	assert.Equal(t, []string{awsemu.DefaultAccountID}, cfg.fleetAccounts())
	opts := cfg.options(nil)
	assert.Nil(t, opts.Organization)
	assert.Nil(t, opts.Roles)
	assert.Nil(t, opts.Principals)
	require.Len(t, cfg.seedOptions(), 1)
	assert.Equal(t, awsemu.DefaultAccountID, cfg.seedOptions()[0].Account)
}

func TestAccountsFlagsRejected(t *testing.T) {
	for _, args := range [][]string{{"-accounts", "12345"}, {"-accounts", "111111111111,"},
		{"-accounts", "111111111111", "-accounts-count", "2"}, {"-accounts-count", "-1"},
		{"-accounts-count", "10001"}, {"-live-rate", "-1"}} {
		var stderr bytes.Buffer
		_, err := parseFlags(args, &stderr)
		require.Error(t, err, args)
		assert.NotEmpty(t, stderr.String(), args)
	}
}

// The command serves an organization: its members are listed, their roles assumed, and
// each reads its own seeded and live history.
func TestCommandServesAnOrganization(t *testing.T) {
	cmd, url, stderr := startCommand(t, "-accounts-count", "2", "-seed-events", "20", "-seed-span", "1h",
		"-seed-regions", "us-east-1,eu-west-1", "-rps", "-1", "-delivery-delay-min", "0", "-delivery-delay-max", "0",
		"-external-id", "ext-1", "-live-rate", "20", "-workload-rate", "20")
	base := credentials.NewStaticCredentialsProvider("AKIDBASE", "x", "")
	orgs := organizations.New(organizations.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: base, HTTPClient: awsemu.NewHTTPClient()})
	out, err := orgs.ListAccounts(context.Background(), &organizations.ListAccountsInput{})
	require.NoError(t, err)
	require.Len(t, out.Accounts, 3, "two members and the management account")

	stsc := sts.New(sts.Options{Region: "eu-west-1", BaseEndpoint: aws.String(url), Credentials: base,
		HTTPClient: awsemu.NewHTTPClient()})
	prov := stscreds.NewAssumeRoleProvider(stsc, "arn:aws:iam::100000000002:role/otel-cloudtrail-reader",
		func(o *stscreds.AssumeRoleOptions) { o.ExternalID = aws.String("ext-1") })
	ct := cloudtrail.New(cloudtrail.Options{Region: "eu-west-1", BaseEndpoint: aws.String(url),
		Credentials: aws.NewCredentialsCache(prov), HTTPClient: awsemu.NewHTTPClient()})
	count := func() int {
		n := 0
		p := cloudtrail.NewLookupEventsPaginator(ct, &cloudtrail.LookupEventsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(context.Background())
			require.NoError(t, err)
			for _, e := range page.Events {
				require.Contains(t, aws.ToString(e.CloudTrailEvent), `"recipientAccountId":"100000000002"`)
			}
			n += len(page.Events)
		}
		return n
	}
	require.GreaterOrEqual(t, count(), 20)
	require.Eventually(t, func() bool { return count() >= 60 }, 20*time.Second, 100*time.Millisecond,
		"the live feed adds to the member account's history")

	var st awsemu.AdminStats
	require.Eventually(t, func() bool {
		getJSON(t, url+awsemu.AdminPrefix+"stats", &st)
		n := 0
		for _, s := range st.Streams {
			if s.Region == "us-east-1" && s.Events > 20+20 { // seeded, then fed
				n++
			}
		}
		return n == 2
	}, 20*time.Second, 100*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait(), stderr.String())
	assert.Contains(t, stderr.String(), "live feed done")
	for _, a := range []string{"100000000001", "100000000002"} {
		assert.Regexp(t, `msg="workload done" account=`+a+` calls=[1-9]\d* `, stderr.String(),
			"one live workload per member account")
	}
}
