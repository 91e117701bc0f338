// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver // import "github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver"

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The organisation-scale keys: all events as one stream, Insights, more accounts and
// AWS Organizations discovery. Validate checks them here; the receiver reads them.

// AllEventSources, alone in event_sources, polls all management events of each
// account-region as one stream (LookupEvents without a lookup attribute).
const AllEventSources = "*"

// DefaultOrganizationRefresh is organization.refresh_interval's default.
const DefaultOrganizationRefresh = time.Hour

// minOrganizationRefresh is the least organization.refresh_interval.
const minOrganizationRefresh = time.Minute

// AccountConfig is one more account, read through a role the base identity assumes.
type AccountConfig struct {
	// RoleARN is the reader role in the account: arn:<partition>:iam::<account>:role/<name>.
	RoleARN string `mapstructure:"role_arn"`
	// ExternalID is the sts:ExternalId the role's trust policy asks for, if any.
	ExternalID string `mapstructure:"external_id"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// OrganizationConfig discovers the organization's ACTIVE member accounts with
// organizations:ListAccounts and reads each through the role RoleName in it.
type OrganizationConfig struct {
	// RoleName is the reader role in each account: arn:<partition>:iam::<account>:role/<role_name>.
	// Required when the section is present.
	RoleName string `mapstructure:"role_name"`
	// ExternalID is the sts:ExternalId the roles' trust policies ask for, if any.
	ExternalID string `mapstructure:"external_id"`
	// IncludeAccounts, when set, keeps only these account IDs.
	IncludeAccounts []string `mapstructure:"include_accounts"`
	// ExcludeAccounts drops these account IDs.
	ExcludeAccounts []string `mapstructure:"exclude_accounts"`
	// RefreshInterval is how often the accounts are listed again; at least 1m.
	RefreshInterval time.Duration `mapstructure:"refresh_interval"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var (
	accountIDRE = regexp.MustCompile(`^\d{12}$`)
	// roleNameRE is an IAM role name, optionally behind a path (path/to/name).
	roleNameRE = regexp.MustCompile(`^([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
	// externalIDRE is the alphabet sts:AssumeRole accepts in an ExternalId (2 to 1224 of them).
	externalIDRE = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

// AllSources reports whether event_sources is ["*"]: one stream per account-region for
// all management events.
func (c *Config) AllSources() bool {
	return len(c.EventSources) == 1 && c.EventSources[0] == AllEventSources
}

// AccountID returns the account of the role ARN, "" when the ARN is malformed.
func (a AccountConfig) AccountID() string {
	if !roleARNRE.MatchString(a.RoleARN) {
		return ""
	}
	return strings.Split(a.RoleARN, ":")[4]
}

// validateEventSources checks event_sources ("*" only alone) and
// exclude_event_sources.
func (c *Config) validateEventSources() error {
	var errs []error
	if slices.Contains(c.EventSources, AllEventSources) {
		if !c.AllSources() {
			errs = append(errs, fmt.Errorf(`event_sources: %q polls every source and cannot be mixed with source names`,
				AllEventSources))
		}
	} else {
		errs = append(errs, validateList("event_sources", c.EventSources, true, sourceRE))
	}
	errs = append(errs, validateList("exclude_event_sources", c.ExcludeEventSources, false, sourceRE))
	for i, s := range c.ExcludeEventSources {
		if slices.Contains(c.EventSources, s) {
			errs = append(errs, fmt.Errorf("exclude_event_sources[%d]: %q is also in event_sources", i, s))
		}
	}
	return errors.Join(errs...)
}

// validateAccounts checks accounts and organization.
func (c *Config) validateAccounts() error {
	var errs []error
	first := map[string]int{} // account ID -> index in accounts
	for i, a := range c.Accounts {
		key := fmt.Sprintf("accounts[%d]", i)
		switch id := a.AccountID(); {
		case a.RoleARN == "":
			errs = append(errs, fmt.Errorf("%s.role_arn: must be set", key))
		case id == "":
			errs = append(errs, fmt.Errorf("%s.role_arn: %q is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)",
				key, a.RoleARN))
		default:
			if j, dup := first[id]; dup {
				errs = append(errs, fmt.Errorf("%s.role_arn: account %s is already read through accounts[%d]", key, id, j))
			} else {
				first[id] = i
			}
		}
		errs = append(errs, validateExternalID(key+".external_id", a.ExternalID))
	}
	if org := c.Organization.Get(); org != nil {
		errs = append(errs, org.validate())
	}
	// The SQS input reads whatever files its queue names; accounts and organization only
	// say whose history LookupEvents reads, so without it they would be ignored silently.
	if !c.LookupEvents {
		const turnedOff = "%s: read through LookupEvents, which lookup_events: false turns off"
		if len(c.Accounts) > 0 {
			errs = append(errs, fmt.Errorf(turnedOff, "accounts"))
		}
		if c.Organization.HasValue() {
			errs = append(errs, fmt.Errorf(turnedOff, "organization"))
		}
	}
	return errors.Join(errs...)
}

func (o *OrganizationConfig) validate() error {
	var errs []error
	switch {
	case o.RoleName == "":
		errs = append(errs, errors.New("organization.role_name: must be set: the role assumed in each member account"))
	case !roleNameRE.MatchString(o.RoleName):
		errs = append(errs, fmt.Errorf("organization.role_name: %q is not an IAM role name", o.RoleName))
	}
	errs = append(errs, validateExternalID("organization.external_id", o.ExternalID),
		validateAccountIDs("organization.include_accounts", o.IncludeAccounts),
		validateAccountIDs("organization.exclude_accounts", o.ExcludeAccounts))
	for i, id := range o.ExcludeAccounts {
		if slices.Contains(o.IncludeAccounts, id) {
			errs = append(errs, fmt.Errorf("organization.exclude_accounts[%d]: %s is also in include_accounts", i, id))
		}
	}
	if o.RefreshInterval < minOrganizationRefresh {
		errs = append(errs, fmt.Errorf("organization.refresh_interval: must be at least %s, got %s",
			minOrganizationRefresh, o.RefreshInterval))
	}
	return errors.Join(errs...)
}

func validateAccountIDs(key string, ids []string) error {
	var errs []error
	for i, id := range ids {
		switch {
		case !accountIDRE.MatchString(id):
			errs = append(errs, fmt.Errorf("%s[%d]: %q is not a 12-digit account ID", key, i, id))
		case slices.Index(ids, id) < i:
			errs = append(errs, fmt.Errorf("%s[%d]: %s is listed twice", key, i, id))
		}
	}
	return errors.Join(errs...)
}

func validateExternalID(key, id string) error {
	if id != "" && (len(id) < 2 || len(id) > 1224 || !externalIDRE.MatchString(id)) {
		return fmt.Errorf("%s: must be 2 to 1224 characters of letters, digits and +=,.@:/-", key)
	}
	return nil
}
