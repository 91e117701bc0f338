// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/require"
)

// With ExpireSessions, the keys AssumeRole issued are refused from their expiration on,
// by the server's clock: ExpiredTokenException from CloudTrail, ExpiredToken from STS.
// Without it they work for ever.
func TestExpireSessionsRefusesExpiredKeys(t *testing.T) {
	h := newHarness(t, Options{Roles: ReaderRoles("reader", "", acctA)})
	out, err := h.stsClient(testAKID, "us-east-1").AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + acctA + ":role/reader"), RoleSessionName: aws.String("session"),
		DurationSeconds: aws.Int32(900)})
	require.NoError(t, err)
	c := out.Credentials
	creds := credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	ct := h.client("unused", func(o *cloudtrail.Options) { o.Credentials = creds })
	stsc := h.stsClient("unused", "us-east-1", func(o *sts.Options) { o.Credentials = creds })
	call := func() (error, error) {
		_, ctErr := ct.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
		_, stsErr := stsc.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		return ctErr, stsErr
	}

	h.srv.SetFaults(Faults{ExpireSessions: true})
	h.clock.Advance(15*time.Minute - time.Second)
	ctErr, stsErr := call()
	require.NoError(t, ctErr, "a second before the expiration")
	require.NoError(t, stsErr)
	h.clock.Advance(time.Second)
	ctErr, stsErr = call()
	requireAPIError(t, ctErr, "ExpiredTokenException")
	requireAPIError(t, stsErr, "ExpiredToken")

	h.srv.SetFaults(Faults{})
	ctErr, stsErr = call()
	require.NoError(t, ctErr, "without the fault, keys never expire")
	require.NoError(t, stsErr)
}
