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

func TestLoadConfigSQS(t *testing.T) {
	cfg := loadConfig(t, "sqs")
	require.NoError(t, confmap.Validate(cfg))
	assert.False(t, cfg.LookupEvents)
	assert.Equal(t, []string{"lookoutmetrics.amazonaws.com", "signin.amazonaws.com"}, cfg.EventSources)
	assert.Equal(t, SQSConfig{
		QueueURL:          "https://sqs.eu-west-1.amazonaws.com/123456789012/cloudtrail-files",
		Region:            "eu-west-1",
		Endpoint:          "https://vpce-0123.sqs.eu-west-1.vpce.amazonaws.com",
		S3Endpoint:        "https://bucket.vpce-0456.s3.eu-west-1.vpce.amazonaws.com",
		Workers:           8,
		MaxMessages:       5,
		WaitTime:          10 * time.Second,
		VisibilityTimeout: 2 * time.Minute,
		MaxRecordBatch:    500,
	}, cfg.SQS)
}

func TestSQSDefaults(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	assert.True(t, cfg.LookupEvents)
	assert.False(t, cfg.SQS.Enabled())
	assert.Equal(t, 4, cfg.SQS.Workers)
	assert.Equal(t, 10, cfg.SQS.MaxMessages)
	assert.Equal(t, 20*time.Second, cfg.SQS.WaitTime)
	assert.Equal(t, 5*time.Minute, cfg.SQS.VisibilityTimeout)
	assert.Equal(t, 1000, cfg.SQS.MaxRecordBatch)
}

func sqsConfig() *Config {
	cfg := createDefaultConfig().(*Config)
	cfg.LookupEvents = false
	cfg.SQS.QueueURL = "https://sqs.eu-west-1.amazonaws.com/123456789012/q"
	return cfg
}

func TestValidateSQSRejects(t *testing.T) {
	tests := []struct {
		mutate func(*Config)
		want   string
	}{
		{func(c *Config) { c.SQS.QueueURL = "" }, "lookup_events: false and sqs.queue_url is empty"},
		{func(c *Config) { c.SQS.QueueURL = "sqs.eu-west-1.amazonaws.com/1/q" }, "sqs.queue_url"},
		{func(c *Config) { c.SQS.QueueURL = "https://sqs.eu-west-1.amazonaws.com/" }, "sqs.queue_url"},
		{func(c *Config) { c.SQS.Region = "Europe" }, "sqs.region"},
		{func(c *Config) { c.SQS.Endpoint = "ftp://x" }, "sqs.endpoint"},
		{func(c *Config) { c.SQS.S3Endpoint = "no-scheme" }, "sqs.s3_endpoint"},
		{func(c *Config) { c.SQS.Workers = 0 }, "sqs.workers"},
		{func(c *Config) { c.SQS.MaxMessages = 11 }, "sqs.max_messages"},
		{func(c *Config) { c.SQS.MaxMessages = 0 }, "sqs.max_messages"},
		{func(c *Config) { c.SQS.WaitTime = 21 * time.Second }, "sqs.wait_time"},
		{func(c *Config) { c.SQS.WaitTime = 1500 * time.Millisecond }, "sqs.wait_time"},
		{func(c *Config) { c.SQS.VisibilityTimeout = 500 * time.Millisecond }, "sqs.visibility_timeout"},
		{func(c *Config) { c.SQS.VisibilityTimeout = 13 * time.Hour }, "sqs.visibility_timeout"},
		{func(c *Config) { c.SQS.MaxRecordBatch = 0 }, "sqs.max_record_batch"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			cfg := sqsConfig()
			tt.mutate(cfg)
			err := cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestValidateSQSAccepts(t *testing.T) {
	// SQS only needs no LookupEvents region: nothing is read from the host to validate it.
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	cfg := sqsConfig()
	cfg.SQS.VisibilityTimeout = time.Second // as low as 1s, for tests
	cfg.SQS.WaitTime = 0
	require.NoError(t, cfg.Validate())
	cfg.SQS.QueueURL = "http://127.0.0.1:4566/000000000000/q" // a local server
	require.NoError(t, cfg.Validate())
}

// Every bad sqs key is named at once.
func TestValidateSQSNamesEveryKey(t *testing.T) {
	cfg := sqsConfig()
	cfg.SQS.Workers, cfg.SQS.MaxMessages, cfg.SQS.WaitTime = -1, 20, time.Minute
	cfg.SQS.VisibilityTimeout, cfg.SQS.MaxRecordBatch = 0, -5
	err := cfg.Validate()
	require.Error(t, err)
	for _, key := range []string{"sqs.workers", "sqs.max_messages", "sqs.wait_time", "sqs.visibility_timeout", "sqs.max_record_batch"} {
		assert.Equal(t, 1, strings.Count(err.Error(), key+":"), key)
	}
}

// A URL that carries credentials is refused (SigV4 signs every request; user info in a
// URL is only a secret waiting for a log line), and no error repeats the secret.
func TestValidateSQSRefusesCredentialsInURLs(t *testing.T) {
	for key, mutate := range map[string]func(*Config){
		"sqs.queue_url":   func(c *Config) { c.SQS.QueueURL = "https://AKIDEXAMPLE:s3cr3t@sqs.eu-west-1.amazonaws.com/1/q" },
		"sqs.endpoint":    func(c *Config) { c.SQS.Endpoint = "https://user:s3cr3t@vpce.example" },
		"sqs.s3_endpoint": func(c *Config) { c.SQS.S3Endpoint = "ftp://user:s3cr3t@bad" },
	} {
		t.Run(key, func(t *testing.T) {
			cfg := sqsConfig()
			mutate(cfg)
			err := cfg.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), key+":")
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}
}

// A queue lives in the region its URL names: an sqs.region that says otherwise would
// sign every request for the wrong region, so Validate names it.
func TestValidateSQSRegionMustMatchTheQueueURL(t *testing.T) {
	cfg := sqsConfig() // https://sqs.eu-west-1.amazonaws.com/123456789012/q
	cfg.SQS.Region = "us-east-1"
	err := cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sqs.region:")
	cfg.SQS.Region = "eu-west-1"
	require.NoError(t, cfg.Validate())
	cfg.SQS.QueueURL, cfg.SQS.Region = "http://127.0.0.1:4566/000000000000/q", "us-east-1" // names no region
	require.NoError(t, cfg.Validate())
}
