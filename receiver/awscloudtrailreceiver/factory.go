// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// defaultEventSource is Amazon Lookout for Metrics.
const defaultEventSource = "lookoutmetrics.amazonaws.com"

// NewFactory returns the factory of the awscloudtrail receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithLogs(createLogsReceiver, metadata.LogsStability),
	)
}

// DefaultMaxConcurrentReads is max_concurrent_reads' default: enough places for 850
// account-regions polled every 30 s, and a bound of about 100 MB of events in reading.
const DefaultMaxConcurrentReads = 64

func createDefaultConfig() component.Config {
	return &Config{
		EventSources:       []string{defaultEventSource},
		ReadOnly:           ReadOnlyAll,
		PollInterval:       time.Minute,
		MaxEventDelay:      15 * time.Minute,
		StartAt:            "now",
		RequestsPerSecond:  2,
		MaxConcurrentReads: DefaultMaxConcurrentReads,
		Body:               BodyRaw,
		Redact:             configoptional.Default(RedactConfig{Action: RedactHash}),
		Organization:       configoptional.Default(OrganizationConfig{RefreshInterval: DefaultOrganizationRefresh}),
		LookupEvents:       true,
		SQS:                defaultSQSConfig(),
	}
}

func createLogsReceiver(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	return newReceiver(set, cfg.(*Config), next)
}
