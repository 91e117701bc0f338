// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package awscloudtrailreceiver polls AWS CloudTrail LookupEvents and emits every
// CloudTrail event as one OpenTelemetry log record.
//
//go:generate go tool mdatagen metadata.yaml
//go:generate sh ../../.ci/spdx.sh .
package awscloudtrailreceiver // import "github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver"
