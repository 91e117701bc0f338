// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
)

func loadAccountsConfig(t *testing.T, name string) *Config {
	t.Helper()
	cfg, err := unmarshalTestConfig(t, "config_accounts.yaml", name)
	require.NoError(t, err)
	return cfg
}

func TestAccountsConfigDefaults(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.False(t, cfg.Organization.HasValue(), "discovery is off unless the section is present")
	assert.Empty(t, cfg.Accounts)
	assert.False(t, cfg.Insights)
	assert.Empty(t, cfg.ExcludeEventSources)
	assert.False(t, cfg.AllSources())
}

func TestLoadAllSources(t *testing.T) {
	cfg := loadAccountsConfig(t, "all_sources")
	require.NoError(t, confmap.Validate(cfg))
	assert.True(t, cfg.AllSources())
	assert.Equal(t, []string{"kms.amazonaws.com", "sts.amazonaws.com"}, cfg.ExcludeEventSources)
	assert.True(t, cfg.Insights)
}

func TestLoadAccounts(t *testing.T) {
	cfg := loadAccountsConfig(t, "accounts")
	require.NoError(t, confmap.Validate(cfg))
	require.Len(t, cfg.Accounts, 2)
	assert.Equal(t, "arn:aws:iam::111111111111:role/otel-cloudtrail-reader", cfg.Accounts[0].RoleARN)
	assert.Equal(t, "ext-0123", cfg.Accounts[0].ExternalID)
	assert.Equal(t, "111111111111", cfg.Accounts[0].AccountID())
	assert.Equal(t, "222222222222", cfg.Accounts[1].AccountID(), "other partitions and role paths")
	assert.Empty(t, cfg.Accounts[1].ExternalID)
	assert.False(t, cfg.Organization.HasValue())
}

func TestLoadOrganization(t *testing.T) {
	cfg := loadAccountsConfig(t, "organization")
	require.NoError(t, confmap.Validate(cfg))
	require.True(t, cfg.Organization.HasValue())
	org := cfg.Organization.Get()
	assert.Equal(t, "otel-cloudtrail-reader", org.RoleName)
	assert.Equal(t, "org-ext", org.ExternalID)
	assert.Equal(t, []string{"111111111111", "222222222222"}, org.IncludeAccounts)
	assert.Equal(t, []string{"333333333333"}, org.ExcludeAccounts)
	assert.Equal(t, 15*time.Minute, org.RefreshInterval)

	cfg = loadAccountsConfig(t, "organization_defaults")
	require.NoError(t, confmap.Validate(cfg))
	require.True(t, cfg.Organization.HasValue())
	assert.Equal(t, time.Hour, cfg.Organization.Get().RefreshInterval, "refresh_interval defaults to 1h")
}

// Every invalid value fails in Validate, and the error names its key.
func TestValidateAccountsConfigNamesTheKey(t *testing.T) {
	tests := map[string]string{
		"bad_star_mixed":         `event_sources: "*" polls every source and cannot be mixed`,
		"bad_exclude_source":     `exclude_event_sources[0]: "KMS" is not a valid value`,
		"bad_role_arn":           `accounts[0].role_arn: "arn:aws:iam::111111111111:user/otel" is not an IAM role ARN`,
		"bad_account_in_arn":     `accounts[0].role_arn: "arn:aws:iam::11111111111:role/otel" is not an IAM role ARN`,
		"bad_missing_role_arn":   "accounts[0].role_arn: must be set",
		"bad_same_account_twice": "accounts[1].role_arn: account 111111111111 is already read through accounts[0]",
		"bad_external_id":        "accounts[0].external_id: must be 2 to 1224 characters",
		"bad_include":            `organization.include_accounts[1]: "12345" is not a 12-digit account ID`,
		"bad_exclude":            `organization.exclude_accounts[0]: "abcdefghijkl" is not a 12-digit account ID`,
		"bad_refresh":            "organization.refresh_interval: must be at least 1m0s, got 30s",
		"bad_role_name":          `organization.role_name: "arn:aws:iam::111111111111:role/reader" is not an IAM role name`,
		"bad_no_role_name":       "organization.role_name: must be set",
		"bad_empty_organization": "organization.role_name: must be set", // an empty section enables discovery
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			err := confmap.Validate(loadAccountsConfig(t, name))
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
		})
	}
}

func TestValidateAccountsConfigRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"star twice", func(c *Config) { c.EventSources = []string{"*", "*"} }, "event_sources: \"*\""},
		{"excluded source polled", func(c *Config) {
			c.EventSources = []string{"kms.amazonaws.com"}
			c.ExcludeEventSources = []string{"kms.amazonaws.com"}
		}, `exclude_event_sources[0]: "kms.amazonaws.com" is also in event_sources`},
		{"duplicate exclusion", func(c *Config) {
			c.ExcludeEventSources = []string{"kms.amazonaws.com", "kms.amazonaws.com"}
		}, "exclude_event_sources[1]"},
		{"include listed twice", func(c *Config) {
			c.Organization.GetOrInsertDefault().RoleName = "r"
			c.Organization.Get().IncludeAccounts = []string{"111111111111", "111111111111"}
		}, "organization.include_accounts[1]: 111111111111 is listed twice"},
		{"included and excluded", func(c *Config) {
			org := c.Organization.GetOrInsertDefault()
			org.RoleName, org.IncludeAccounts, org.ExcludeAccounts = "r", []string{"111111111111"}, []string{"111111111111"}
		}, "organization.exclude_accounts[0]: 111111111111 is also in include_accounts"},
		{"bad org external id", func(c *Config) {
			org := c.Organization.GetOrInsertDefault()
			org.RoleName, org.ExternalID = "r", "has space"
		}, "organization.external_id"},
		{"account id with letters in arn", func(c *Config) {
			c.Accounts = []AccountConfig{{RoleARN: "arn:aws:iam::11111111111x:role/r"}}
		}, "accounts[0].role_arn"},
		{"role ARN without a role name", func(c *Config) {
			c.Accounts = []AccountConfig{{RoleARN: "arn:aws:iam::111111111111:role/path/"}}
		}, "accounts[0].role_arn"},
		{"role ARN with an empty path segment", func(c *Config) {
			c.Accounts = []AccountConfig{{RoleARN: "arn:aws:iam::111111111111:role//reader"}}
		}, "accounts[0].role_arn"},
		{"role name longer than IAM allows", func(c *Config) {
			c.Accounts = []AccountConfig{{RoleARN: "arn:aws:iam::111111111111:role/" + strings.Repeat("r", 65)}}
		}, "accounts[0].role_arn"},
		{"base role ARN without a role name", func(c *Config) { c.RoleARN = "arn:aws:iam::111111111111:role/a/" }, "role_arn"},
		{"accounts without lookup_events", func(c *Config) {
			c.LookupEvents, c.SQS.QueueURL = false, "https://sqs.us-east-1.amazonaws.com/111111111111/trail"
			c.Accounts = []AccountConfig{{RoleARN: "arn:aws:iam::111111111111:role/r"}}
		}, "accounts: read through LookupEvents, which lookup_events: false turns off"},
		{"organization without lookup_events", func(c *Config) {
			c.LookupEvents, c.SQS.QueueURL = false, "https://sqs.us-east-1.amazonaws.com/111111111111/trail"
			c.Organization.GetOrInsertDefault().RoleName = "r"
		}, "organization: read through LookupEvents, which lookup_events: false turns off"},
		{"zero refresh", func(c *Config) {
			org := c.Organization.GetOrInsertDefault()
			org.RoleName, org.RefreshInterval = "r", 0
		}, "organization.refresh_interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.mutate(cfg)
			err := confmap.Validate(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// Validation of the new keys does no I/O and accepts the documented boundaries.
func TestValidateAccountsConfigBoundaries(t *testing.T) {
	cfg := validConfig()
	org := cfg.Organization.GetOrInsertDefault()
	org.RoleName, org.RefreshInterval = "path/to/reader", time.Minute
	cfg.Accounts = []AccountConfig{{RoleARN: "arn:aws-cn:iam::444444444444:role/r", ExternalID: "ab"}}
	cfg.EventSources = []string{"*"}
	require.NoError(t, cfg.Validate())
}
