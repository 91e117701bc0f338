// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver // import "github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver"

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
)

// Config configures the awscloudtrail receiver.
type Config struct {
	// Regions to poll. Empty means the region of the AWS config or environment.
	Regions []string `mapstructure:"regions"`
	// EventSources are polled one server-side stream per source and region; ["*"]
	// polls all management events of each account-region as one stream.
	EventSources []string `mapstructure:"event_sources"`
	// ExcludeEventSources drops events of these sources (client-side).
	ExcludeEventSources []string `mapstructure:"exclude_event_sources"`
	// Insights also polls CloudTrail Insights events: one more stream per account-region.
	Insights bool `mapstructure:"insights"`
	// Accounts are more accounts, each read through a role the base identity assumes.
	Accounts []AccountConfig `mapstructure:"accounts"`
	// Organization discovers the organization's ACTIVE member accounts.
	Organization configoptional.Optional[OrganizationConfig] `mapstructure:"organization"`
	// EventNames, when set, keeps only these event names (client-side).
	EventNames []string `mapstructure:"event_names"`
	// ReadOnly keeps all, read or write events (client-side).
	ReadOnly ReadOnlyMode `mapstructure:"read_only"`
	// PollInterval is the time between polls.
	PollInterval time.Duration `mapstructure:"poll_interval"`
	// MaxEventDelay is how late an event may become visible: the overlap window.
	MaxEventDelay time.Duration `mapstructure:"max_event_delay"`
	// StartAt is where a stream without a checkpoint begins: "now", a duration to look
	// back (for example 24h) or an RFC3339 time. It is clamped to 90 days.
	StartAt string `mapstructure:"start_at"`
	// RequestsPerSecond is the LookupEvents budget per account and region.
	RequestsPerSecond float64 `mapstructure:"requests_per_second"`
	// MaxConcurrentReads bounds how many streams (of all accounts and regions) read a
	// time slice of LookupEvents pages at once: each holds its slice's events in memory
	// until they were emitted, so this bounds the receiver's memory with many accounts.
	MaxConcurrentReads int `mapstructure:"max_concurrent_reads"`
	// Body is raw (the record's JSON as AWS gave it), map or none.
	Body BodyFormat `mapstructure:"body"`
	// Endpoint overrides the CloudTrail endpoint (VPC endpoint, FIPS, local emulator).
	Endpoint string `mapstructure:"endpoint"`
	// Profile is the shared-config profile to use.
	Profile string `mapstructure:"profile"`
	// RoleARN is a role to assume through STS; ExternalID goes with it.
	RoleARN    string `mapstructure:"role_arn"`
	ExternalID string `mapstructure:"external_id"`
	// Storage is the storage extension that keeps checkpoints; none keeps them in memory.
	Storage *component.ID `mapstructure:"storage"`
	// Redact, when present, drops or hashes chosen fields of every record before it is
	// translated.
	Redact configoptional.Optional[RedactConfig] `mapstructure:"redact"`
	// LookupEvents turns the LookupEvents input on (the keys above); false leaves SQS only.
	LookupEvents bool `mapstructure:"lookup_events"`
	// SQS is the SQS input (trail files and EventBridge events); on when queue_url is set.
	SQS SQSConfig `mapstructure:"sqs"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RedactConfig chooses the CloudTrail fields that must not leave the collector.
type RedactConfig struct {
	// Fields are dotted paths in the CloudTrail record, such as userIdentity.accessKeyId
	// or sourceIPAddress; through arrays, resources.ARN names every element's ARN.
	// Required when the section is present.
	Fields []string `mapstructure:"fields"`
	// Action is hash (replace the value by a keyed hash; the default) or drop (remove
	// the field).
	Action RedactAction `mapstructure:"action"`
	// HashKey keys the hash, so that few-valued fields (IP addresses, account IDs)
	// cannot be found again by hashing every candidate.
	HashKey configopaque.String `mapstructure:"hash_key"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

var (
	regionRE = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$`) // eu-west-1, us-gov-west-1, eusc-de-east-1
	// roleARNRE is an IAM role ARN: an optional path of non-empty segments, then a name
	// of at most 64 characters.
	roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
	sourceRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
)

// Validate checks every field and names the ones that are wrong.
func (c *Config) Validate() error {
	errs := []error{
		c.validateInputs(),
		c.SQS.validate(),
		c.validateRegions(),
		c.validateEventSources(),
		c.validateAccounts(),
		validateList("event_names", c.EventNames, false, nil),
	}
	if err := c.ReadOnly.check(); err != nil {
		errs = append(errs, fmt.Errorf("read_only: %w", err))
	}
	if err := c.Body.check(); err != nil {
		errs = append(errs, fmt.Errorf("body: %w", err))
	}
	if c.PollInterval < time.Second {
		errs = append(errs, fmt.Errorf("poll_interval: must be at least 1s, got %s", c.PollInterval))
	}
	if c.MaxEventDelay < 0 || c.MaxEventDelay > maxLookback {
		errs = append(errs, fmt.Errorf("max_event_delay: must be between 0 and 2160h (90 days), got %s", c.MaxEventDelay))
	}
	if _, err := parseStartAt(c.StartAt, time.Now()); err != nil {
		errs = append(errs, err)
	}
	if c.MaxConcurrentReads < 1 || c.MaxConcurrentReads > 10000 {
		errs = append(errs, fmt.Errorf("max_concurrent_reads: must be between 1 and 10000, got %d", c.MaxConcurrentReads))
	}
	if math.IsNaN(c.RequestsPerSecond) || c.RequestsPerSecond <= 0 || c.RequestsPerSecond > 1000 {
		errs = append(errs, fmt.Errorf("requests_per_second: must be > 0 and <= 1000, got %v", c.RequestsPerSecond))
	}
	errs = append(errs, c.validateEndpoint(), c.validateRole())
	if r := c.Redact.Get(); r != nil {
		errs = append(errs, r.validate())
	}
	return errors.Join(errs...)
}

// validateRegions checks the listed regions. An empty list is valid: Validate does no I/O,
// so the AWS config's region is resolved in Start.
func (c *Config) validateRegions() error {
	if len(c.Regions) == 0 {
		return nil
	}
	return validateList("regions", c.Regions, true, regionRE)
}

func validateList(key string, list []string, required bool, re *regexp.Regexp) error {
	if required && len(list) == 0 {
		return fmt.Errorf("%s: must list at least one value", key)
	}
	var errs []error
	seen := make(map[string]bool, len(list))
	for i, v := range list {
		switch {
		case strings.TrimSpace(v) == "":
			errs = append(errs, fmt.Errorf("%s[%d]: must not be empty", key, i))
		case re != nil && !re.MatchString(v):
			errs = append(errs, fmt.Errorf("%s[%d]: %q is not a valid value", key, i, v))
		case seen[v]:
			errs = append(errs, fmt.Errorf("%s[%d]: %q is listed twice", key, i, v))
		}
		seen[v] = true
	}
	return errors.Join(errs...)
}

func (c *Config) validateEndpoint() error {
	if c.Endpoint == "" {
		return nil
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint: %q is not an http(s) URL with a host", c.Endpoint)
	}
	return nil
}

func (c *Config) validateRole() error {
	if c.RoleARN != "" && !roleARNRE.MatchString(c.RoleARN) {
		return fmt.Errorf("role_arn: %q is not an IAM role ARN", c.RoleARN)
	}
	if c.ExternalID != "" && c.RoleARN == "" {
		return errors.New("external_id: needs role_arn")
	}
	return nil
}

func (r *RedactConfig) validate() error {
	var errs []error
	if len(r.Fields) == 0 {
		errs = append(errs, errors.New("redact.fields: must list at least one field path when redact is set"))
	}
	for i, f := range r.Fields {
		if err := redact.ValidatePath(f); err != nil {
			errs = append(errs, fmt.Errorf("redact.fields[%d]: %q %w", i, f, err))
		}
	}
	err := r.Action.check()
	if err != nil {
		errs = append(errs, fmt.Errorf("redact.action: %w", err))
	}
	if r.HashKey != "" && (err != nil || r.Action != RedactHash) {
		errs = append(errs, errors.New("redact.hash_key: only with action hash"))
	}
	return errors.Join(errs...)
}
