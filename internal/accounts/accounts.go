// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package accounts discovers the AWS accounts a receiver reads through AWS
// Organizations: the organization's ACTIVE accounts (organizations:ListAccounts),
// narrowed by include and exclude lists, each with the reader role to assume in it.
//
// A Discoverer keeps the last list it got: a failed listing changes nothing (the
// failure is returned and logged once per change of state), and Run lists again at the
// refresh interval, sooner with backoff after a failure. The base identity's own
// account, when discovered, is read through the role when the base identity can
// assume it there, else with the base identity itself (the management account rarely
// has the StackSet-deployed reader role).
package accounts // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/accounts"

import (
	"regexp"

	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// Account is one account to read.
type Account struct {
	// ID is the 12-digit account ID.
	ID string
	// RoleARN is the role to assume in the account; "" means the base identity reads
	// it with its own credentials.
	RoleARN string
	// ExternalID goes with RoleARN, if the role's trust policy asks for one.
	ExternalID string
	// Name is the account's name in the organization, for logs.
	Name string
}

// RoleARN returns arn:<partition>:iam::<account>:role/<roleName>.
func RoleARN(partition, account, roleName string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":iam::" + account + ":role/" + roleName
}

// accountIDRE is an AWS account ID; an account listed without one is skipped.
var accountIDRE = regexp.MustCompile(`^\d{12}$`)

var arnRE = regexp.MustCompile(`^arn:(aws[a-z-]*):[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:`)

// Partition returns the partition of an ARN (aws, aws-cn, aws-us-gov...), such as the
// base identity's ARN from sts:GetCallerIdentity; "aws" when it cannot tell.
func Partition(arn string) string {
	if m := arnRE.FindStringSubmatch(arn); m != nil {
		return m[1]
	}
	return "aws"
}

// Active reports whether an organization account is ACTIVE: by its State, or by its
// Status where an older answer has no State (AWS retired Status in September 2026).
func Active(a types.Account) bool {
	if a.State != "" {
		return a.State == types.AccountStateActive
	}
	return a.Status == types.AccountStatusActive
}
