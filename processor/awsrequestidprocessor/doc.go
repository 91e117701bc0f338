// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package awsrequestidprocessor joins log records to traces by AWS request ID. In a
// traces pipeline it indexes the spans that carry aws.request_id (or aws.requestId),
// as the OTel AWS SDK instrumentation and the X-Ray receiver produce them; in a logs
// pipeline it sets the TraceID and SpanID of every log record whose aws.request_id is
// in that index, such as the CloudTrail events of the awscloudtrail receiver. Both
// pipelines of one component ID share one index.
//
//go:generate go tool mdatagen metadata.yaml
//go:generate sh ../../.ci/spdx.sh .
package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"
