// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Config configures the awsrequestid processor. One component ID used in a traces and a
// logs pipeline shares one index between them.
type Config struct {
	// SpanAttributes are the span attributes that may hold a request ID, tried in order.
	SpanAttributes []string `mapstructure:"span_attributes"`
	// LogAttribute is the log record attribute that holds the request ID.
	LogAttribute string `mapstructure:"log_attribute"`
	// MaxEntries bounds the index; when it is full, the oldest entry is evicted.
	MaxEntries int `mapstructure:"max_entries"`
	// TTL is how long an entry stays in the index after its span was seen.
	TTL time.Duration `mapstructure:"ttl"`
	// MaxWait, when > 0, holds a batch with a log record whose span has not been seen
	// yet, whole, for up to this long; 0 passes it on at once, unstamped.
	MaxWait time.Duration `mapstructure:"max_wait"`
	// MaxPending bounds the log records held by MaxWait (a larger batch is held alone):
	// a batch that does not fit makes the oldest held batches go on at once, and its
	// caller waits until they have left.
	MaxPending int `mapstructure:"max_pending"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

// Bounds of the numeric settings.
const (
	maxMaxEntries = 100_000_000
	maxTTL        = 7 * 24 * time.Hour
)

// Validate checks every field and names the ones that are wrong.
func (c *Config) Validate() error {
	var errs []error
	errs = append(errs, validateKeys(c.SpanAttributes))
	if strings.TrimSpace(c.LogAttribute) == "" {
		errs = append(errs, errors.New("log_attribute: must not be empty"))
	}
	if c.MaxEntries < 1 || c.MaxEntries > maxMaxEntries {
		errs = append(errs, fmt.Errorf("max_entries: must be between 1 and %d, got %d", maxMaxEntries, c.MaxEntries))
	}
	if c.TTL < time.Second || c.TTL > maxTTL {
		errs = append(errs, fmt.Errorf("ttl: must be between 1s and %s, got %s", maxTTL, c.TTL))
	}
	if c.MaxWait < 0 || c.MaxWait > c.TTL {
		errs = append(errs, fmt.Errorf("max_wait: must be between 0 and ttl (%s), got %s", c.TTL, c.MaxWait))
	}
	if c.MaxWait > 0 && c.MaxPending < 1 {
		errs = append(errs, fmt.Errorf("max_pending: must be at least 1 when max_wait is set, got %d", c.MaxPending))
	}
	return errors.Join(errs...)
}

func validateKeys(keys []string) error {
	if len(keys) == 0 {
		return errors.New("span_attributes: must list at least one attribute")
	}
	var errs []error
	seen := make(map[string]bool, len(keys))
	for i, k := range keys {
		switch {
		case strings.TrimSpace(k) == "":
			errs = append(errs, fmt.Errorf("span_attributes[%d]: must not be empty", i))
		case seen[k]:
			errs = append(errs, fmt.Errorf("span_attributes[%d]: %q is listed twice", i, k))
		}
		seen[k] = true
	}
	return errors.Join(errs...)
}
