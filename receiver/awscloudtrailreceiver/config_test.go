// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cfg, err := unmarshalTestConfig(t, "config.yaml", name)
	require.NoError(t, err)
	return cfg
}

// unmarshalTestConfig unmarshals the receiver named name of testdata/file over the
// defaults; the error is the unmarshalling's.
func unmarshalTestConfig(t *testing.T, file, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", file))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	return cfg, sub.Unmarshal(cfg)
}

func TestLoadConfigDefaults(t *testing.T) {
	t.Setenv("AWS_REGION", "us-west-2")
	cfg := loadConfig(t, "")
	require.NoError(t, confmap.Validate(cfg))
	assert.Equal(t, createDefaultConfig(), cfg)
	assert.Equal(t, []string{"lookoutmetrics.amazonaws.com"}, cfg.EventSources)
	assert.Equal(t, time.Minute, cfg.PollInterval)
	assert.Equal(t, 15*time.Minute, cfg.MaxEventDelay)
	assert.Equal(t, "now", cfg.StartAt)
	assert.Equal(t, BodyRaw, cfg.Body)
	assert.Equal(t, ReadOnlyAll, cfg.ReadOnly)
	assert.False(t, cfg.Redact.HasValue(), "redact is off until its section is set")
	assert.InDelta(t, 2.0, cfg.RequestsPerSecond, 0)
	assert.Nil(t, cfg.Storage)
}

func TestLoadConfigFull(t *testing.T) {
	cfg := loadConfig(t, "full")
	require.NoError(t, confmap.Validate(cfg))
	storageID := component.MustNewIDWithName("file_storage", "checkpoints")
	want := &Config{
		Regions:            []string{"us-east-1", "eu-west-1"},
		EventSources:       []string{"lookoutmetrics.amazonaws.com", "iam.amazonaws.com"},
		EventNames:         []string{"CreateAlert", "DeleteAlert"},
		ReadOnly:           ReadOnlyWrite,
		PollInterval:       30 * time.Second,
		MaxEventDelay:      20 * time.Minute,
		StartAt:            "24h",
		RequestsPerSecond:  1.5,
		MaxConcurrentReads: 16,
		Body:               BodyMap,
		Endpoint:           "https://cloudtrail.us-east-1.amazonaws.com",
		Profile:            "audit",
		RoleARN:            "arn:aws:iam::123456789012:role/cloudtrail-reader",
		ExternalID:         "ext-1",
		Storage:            &storageID,
		Redact:             configoptional.Some(RedactConfig{Fields: []string{"userIdentity.accessKeyId", "sourceIPAddress"}, Action: RedactHash, HashKey: "s3cr3t"}),
		Organization:       configoptional.Default(OrganizationConfig{RefreshInterval: DefaultOrganizationRefresh}),
		LookupEvents:       true,
		SQS:                defaultSQSConfig(),
	}
	assert.Equal(t, want, cfg)
}

func validConfig() *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.Regions = []string{"us-east-1"}
	return cfg
}

func redactSome(fields []string, action RedactAction, key string) configoptional.Optional[RedactConfig] {
	return configoptional.Some(RedactConfig{Fields: fields, Action: action, HashKey: configopaque.String(key)})
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"negative interval", func(c *Config) { c.PollInterval = -time.Second }, "poll_interval"},
		{"sub-second interval", func(c *Config) { c.PollInterval = time.Millisecond }, "poll_interval"},
		{"negative delay", func(c *Config) { c.MaxEventDelay = -time.Minute }, "max_event_delay"},
		{"delay past retention", func(c *Config) { c.MaxEventDelay = 91 * 24 * time.Hour }, "max_event_delay"},
		{"unknown read_only", func(c *Config) { c.ReadOnly = "readonly" }, `read_only: must be all, read or write, got "readonly"`},
		{"unknown body", func(c *Config) { c.Body = "json" }, `body: must be raw, map or none, got "json"`},
		{"malformed start_at", func(c *Config) { c.StartAt = "2026-13-01T00:00:00Z" }, "start_at"},
		{"negative start_at", func(c *Config) { c.StartAt = "-1h" }, "start_at"},
		{"future start_at", func(c *Config) { c.StartAt = "2999-01-01T00:00:00Z" }, "start_at"},
		{"empty event source", func(c *Config) { c.EventSources = []string{""} }, "event_sources[0]: must not be empty"},
		{"no event source", func(c *Config) { c.EventSources = nil }, "event_sources: must list at least one value"},
		{"bad event source", func(c *Config) { c.EventSources = []string{"Lookout Metrics"} }, "event_sources[0]"},
		{"duplicate source", func(c *Config) { c.EventSources = []string{"a.amazonaws.com", "a.amazonaws.com"} }, "event_sources[1]"},
		{"bad region", func(c *Config) { c.Regions = []string{"us-east-1", "useast1"} }, `regions[1]: "useast1"`},
		{"region with caps", func(c *Config) { c.Regions = []string{"US-EAST-1"} }, "regions[0]"},
		{"empty event name", func(c *Config) { c.EventNames = []string{" "} }, "event_names[0]"},
		{"zero rate", func(c *Config) { c.RequestsPerSecond = 0 }, "requests_per_second"},
		{"no concurrent reads", func(c *Config) { c.MaxConcurrentReads = 0 }, "max_concurrent_reads"},
		{"bad endpoint", func(c *Config) { c.Endpoint = "localhost:4566" }, "endpoint"},
		{"bad role", func(c *Config) { c.RoleARN = "arn:aws:iam::12:user/x" }, "role_arn"},
		{"external id alone", func(c *Config) { c.ExternalID = "x" }, "external_id: needs role_arn"},
		{"bad redact path", func(c *Config) { c.Redact = redactSome([]string{"userIdentity..arn"}, RedactHash, "") }, "redact.fields[0]"},
		{"bad redact action", func(c *Config) { c.Redact = redactSome([]string{"sourceIPAddress"}, "mask", "") }, `redact.action: must be hash or drop, got "mask"`},
		{"empty redact action", func(c *Config) { c.Redact = redactSome([]string{"sourceIPAddress"}, "", "") }, `redact.action: must be hash or drop, got ""`},
		{"hash key with drop", func(c *Config) { c.Redact = redactSome([]string{"sourceIPAddress"}, RedactDrop, "k") }, "redact.hash_key: only with action hash"},
		{"redact without fields", func(c *Config) { c.Redact = redactSome(nil, RedactHash, "") }, "redact.fields: must list at least one field path"},
		{"empty read_only", func(c *Config) { c.ReadOnly = "" }, `read_only: must be all, read or write, got ""`},
		{"read_only in capitals", func(c *Config) { c.ReadOnly = "Read" }, `read_only: must be all, read or write, got "Read"`},
		{"empty body", func(c *Config) { c.Body = "" }, `body: must be raw, map or none, got ""`},
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

func TestValidateJoinsEveryError(t *testing.T) {
	cfg := validConfig()
	cfg.Body, cfg.ReadOnly, cfg.PollInterval = "x", "y", 0
	err := cfg.Validate()
	require.Error(t, err)
	for _, key := range []string{"body:", "read_only:", "poll_interval:"} {
		assert.Contains(t, err.Error(), key)
	}
}

// Validate does no I/O: whatever the host's ~/.aws holds (garbage, a directory where a
// file belongs, nothing) and whatever the environment says, an empty regions list is valid
// and is resolved in Start.
func TestValidateDoesNoIO(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".aws", "credentials"), 0o700)) // a directory: unreadable as a file
	require.NoError(t, os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[profile\n\x00garbage = = ="), 0o600))
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", "")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	for _, profile := range []string{"", "missing"} {
		cfg := validConfig()
		cfg.Regions, cfg.Profile = nil, profile
		require.NoError(t, cfg.Validate(), "profile %q", profile)
	}
	t.Setenv("AWS_REGION", "eu-central-1")
	cfg := validConfig()
	cfg.Regions = nil
	require.NoError(t, cfg.Validate())
}

func TestParseStartAt(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC).Add(700 * time.Millisecond)
	tests := map[string]time.Time{
		"now":                  now.Truncate(time.Second), // eventTime has whole seconds
		"24h":                  now.Add(-24 * time.Hour).Truncate(time.Second),
		"2026-11-20T10:00:00Z": time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
		"4000h":                now.Add(-maxLookback).Truncate(time.Second),
		"2020-01-01T00:00:00Z": now.Add(-maxLookback).Truncate(time.Second),
	}
	for in, want := range tests {
		got, err := parseStartAt(in, now)
		require.NoError(t, err, in)
		assert.True(t, want.Equal(got), "%s: got %s want %s", in, got, want)
	}
}

// Without regions, Start takes the AWS config's region, or fails naming regions.
func TestStartResolvesTheFallbackRegion(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	cfg := validConfig()
	cfg.Regions = nil
	r, err := newReceiver(receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	err = r.Start(context.Background(), componenttest.NewNopHost())
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "regions: not set"), err.Error())
	require.NoError(t, r.Shutdown(context.Background()))

	t.Setenv("AWS_REGION", "eu-central-1")
	regions, err := resolveRegions(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, []string{"eu-central-1"}, regions)
}

// Every partition's region names are valid: the commercial two-letter ones, GovCloud,
// China and the four-letter European Sovereign Cloud.
func TestRegionsOfEveryPartition(t *testing.T) {
	for _, region := range []string{"eu-west-1", "us-gov-west-1", "cn-north-1", "eusc-de-east-1", "ap-southeast-5"} {
		cfg := validConfig()
		cfg.Regions = []string{region}
		assert.NoError(t, cfg.Validate(), region)
	}
}
