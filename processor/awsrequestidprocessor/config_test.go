// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor/internal/metadata"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig()
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg.(*Config)
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg := loadConfig(t, "")
	require.NoError(t, confmap.Validate(cfg))
	assert.Equal(t, createDefaultConfig(), cfg)
	assert.Equal(t, []string{"aws.request_id", "aws.requestId"}, cfg.SpanAttributes)
	assert.Equal(t, "aws.request_id", cfg.LogAttribute)
	assert.Equal(t, 100_000, cfg.MaxEntries)
	assert.Equal(t, 30*time.Minute, cfg.TTL)
	assert.Zero(t, cfg.MaxWait)
	assert.Equal(t, 10_000, cfg.MaxPending)
}

func TestLoadConfigFull(t *testing.T) {
	cfg := loadConfig(t, "full")
	require.NoError(t, confmap.Validate(cfg))
	want := &Config{
		SpanAttributes: []string{"aws.request_id", "aws.requestId", "aws.extended_request_id"},
		LogAttribute:   "aws.request_id",
		MaxEntries:     50_000,
		TTL:            time.Hour,
		MaxWait:        2 * time.Minute,
		MaxPending:     2000,
	}
	assert.Equal(t, want, cfg)
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"no span attributes", func(c *Config) { c.SpanAttributes = nil }, "span_attributes: must list"},
		{"empty span attribute", func(c *Config) { c.SpanAttributes = []string{"a", " "} }, "span_attributes[1]: must not be empty"},
		{"duplicate span attribute", func(c *Config) { c.SpanAttributes = []string{"a", "a"} }, `span_attributes[1]: "a" is listed twice`},
		{"empty log attribute", func(c *Config) { c.LogAttribute = "" }, "log_attribute: must not be empty"},
		{"zero max_entries", func(c *Config) { c.MaxEntries = 0 }, "max_entries: must be between 1 and 100000000, got 0"},
		{"huge max_entries", func(c *Config) { c.MaxEntries = 1 << 40 }, "max_entries"},
		{"sub-second ttl", func(c *Config) { c.TTL = time.Millisecond }, "ttl: must be between 1s and 168h0m0s, got 1ms"},
		{"ttl of a month", func(c *Config) { c.TTL = 720 * time.Hour }, "ttl:"},
		{"negative max_wait", func(c *Config) { c.MaxWait = -time.Second }, "max_wait: must be between 0 and ttl (30m0s), got -1s"},
		{"max_wait over ttl", func(c *Config) { c.MaxWait = time.Hour }, "max_wait:"},
		{"max_wait without max_pending", func(c *Config) { c.MaxWait, c.MaxPending = time.Minute, 0 }, "max_pending: must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			tt.mutate(cfg)
			err := cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestValidateJoinsErrors(t *testing.T) {
	cfg := testConfig()
	cfg.MaxEntries, cfg.LogAttribute = -1, ""
	err := cfg.Validate()
	require.Error(t, err)
	assert.Len(t, strings.Split(err.Error(), "\n"), 2)
}

func TestValidateAcceptsNoMaxPendingWithoutMaxWait(t *testing.T) {
	cfg := testConfig()
	cfg.MaxPending = 0
	require.NoError(t, cfg.Validate())
}
