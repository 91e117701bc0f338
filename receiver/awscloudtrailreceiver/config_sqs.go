// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput"
)

// SQSConfig configures the SQS input: trail files named by S3 notifications (directly,
// through SNS or EventBridge), CloudTrail's own SNS notifications, and CloudTrail events
// from EventBridge, all from one queue.
type SQSConfig struct {
	// QueueURL enables the input: https://sqs.<region>.amazonaws.com/<account>/<name>.
	QueueURL string `mapstructure:"queue_url"`
	// Region of the queue; default: from QueueURL, else the AWS config's.
	Region string `mapstructure:"region"`
	// Endpoint overrides the SQS endpoint (VPC endpoint, local server).
	Endpoint string `mapstructure:"endpoint"`
	// S3Endpoint overrides the S3 endpoint for trail files (path-style).
	S3Endpoint string `mapstructure:"s3_endpoint"`
	// Workers is how many messages are processed at once.
	Workers int `mapstructure:"workers"`
	// MaxMessages is asked per ReceiveMessage, 1..10.
	MaxMessages int `mapstructure:"max_messages"`
	// WaitTime is the long-poll time, 0..20s.
	WaitTime time.Duration `mapstructure:"wait_time"`
	// VisibilityTimeout is asked on receive and renewed (heartbeat) while a message is in work.
	VisibilityTimeout time.Duration `mapstructure:"visibility_timeout"`
	// MaxRecordBatch is the most records per ConsumeLogs call while a file is streamed.
	MaxRecordBatch int `mapstructure:"max_record_batch"`

	// prevent unkeyed literal initialization
	_ struct{}
}

const (
	maxSQSWorkers        = 1000
	maxSQSVisibility     = 12 * time.Hour // SQS's limit
	maxSQSWaitTime       = 20 * time.Second
	maxSQSRecordBatch    = 100000
	maxSQSMessagesPerGet = 10
)

func defaultSQSConfig() SQSConfig {
	return SQSConfig{
		Workers:           4,
		MaxMessages:       10,
		WaitTime:          20 * time.Second,
		VisibilityTimeout: 5 * time.Minute,
		MaxRecordBatch:    1000,
	}
}

// Enabled reports whether the SQS input is on.
func (s *SQSConfig) Enabled() bool { return s.QueueURL != "" }

// validateInputs checks that at least one input is on.
func (c *Config) validateInputs() error {
	if !c.LookupEvents && !c.SQS.Enabled() {
		return errors.New("lookup_events: false and sqs.queue_url is empty: at least one input must be on")
	}
	return nil
}

// validate checks every sqs key; with no queue_url the others are not used.
func (s *SQSConfig) validate() error {
	if !s.Enabled() {
		return nil
	}
	errs := []error{
		validateURL("sqs.queue_url", s.QueueURL, true),
		validateURL("sqs.endpoint", s.Endpoint, false),
		validateURL("sqs.s3_endpoint", s.S3Endpoint, false),
	}
	if s.Region != "" && !regionRE.MatchString(s.Region) {
		errs = append(errs, fmt.Errorf("sqs.region: %q is not a valid region", s.Region))
	} else if q := sqsinput.QueueRegion(s.QueueURL); s.Region != "" && q != "" && q != s.Region {
		errs = append(errs, fmt.Errorf("sqs.region: %q, but sqs.queue_url names a queue in %q (leave sqs.region empty to take it from the URL)", s.Region, q))
	}
	if s.Workers < 1 || s.Workers > maxSQSWorkers {
		errs = append(errs, fmt.Errorf("sqs.workers: must be between 1 and %d, got %d", maxSQSWorkers, s.Workers))
	}
	if s.MaxMessages < 1 || s.MaxMessages > maxSQSMessagesPerGet {
		errs = append(errs, fmt.Errorf("sqs.max_messages: must be between 1 and 10, got %d", s.MaxMessages))
	}
	if s.WaitTime < 0 || s.WaitTime > maxSQSWaitTime || s.WaitTime%time.Second != 0 {
		errs = append(errs, fmt.Errorf("sqs.wait_time: must be whole seconds between 0s and 20s, got %s", s.WaitTime))
	}
	if s.VisibilityTimeout < time.Second || s.VisibilityTimeout > maxSQSVisibility || s.VisibilityTimeout%time.Second != 0 {
		errs = append(errs, fmt.Errorf("sqs.visibility_timeout: must be whole seconds between 1s and 12h, got %s", s.VisibilityTimeout))
	}
	if s.MaxRecordBatch < 1 || s.MaxRecordBatch > maxSQSRecordBatch {
		errs = append(errs, fmt.Errorf("sqs.max_record_batch: must be between 1 and %d, got %d", maxSQSRecordBatch, s.MaxRecordBatch))
	}
	return errors.Join(errs...)
}

// validateURL checks an http(s) URL with a host and no user info (requests are signed;
// credentials in a URL would only reach log lines); a queue URL also needs its path. The
// errors quote the URL without its user info.
func validateURL(key, v string, needPath bool) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("%s: not an http(s) URL with a host", key)
	}
	if u.User != nil {
		return fmt.Errorf("%s: must not carry user info (credentials come from the AWS credential chain)", key)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: %q is not an http(s) URL with a host", key, v)
	}
	if needPath && (u.Path == "" || u.Path == "/") {
		return fmt.Errorf("%s: %q names no queue (want https://sqs.<region>.amazonaws.com/<account>/<name>)", key, v)
	}
	return nil
}
