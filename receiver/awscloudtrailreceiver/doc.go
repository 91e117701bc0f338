// Package awscloudtrailreceiver polls AWS CloudTrail LookupEvents and emits every
// CloudTrail event as one OpenTelemetry log record.
//
//go:generate go tool mdatagen metadata.yaml
package awscloudtrailreceiver // import "github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver"
