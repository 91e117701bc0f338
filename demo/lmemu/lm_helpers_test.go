// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/require"
)

// Access keys of DefaultPrincipals used by the tests.
const (
	aliceKey  = "AKIAALICE00000000001"
	deployKey = "ASIADEPLOY0000000003"
	rootKey   = "AKIAROOT000000000005"
)

var bg = context.Background()

// lmHarness is a harness whose recorded calls are visible after a fixed 5 minutes.
func lmHarness(t *testing.T, opts awsemu.Options) *harness {
	t.Helper()
	if opts.DeliveryDelay == nil {
		opts.DeliveryDelay = func() time.Duration { return 5 * time.Minute }
	}
	return newHarness(t, opts)
}

// lm returns a Lookout for Metrics client for us-east-1, without retries.
func (h *harness) lm(akid string) *lm.Client {
	return lm.New(lm.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(h.url),
		Credentials:      credentials.NewStaticCredentialsProvider(akid, "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       awsemu.NewHTTPClient(),
	})
}

func requestID(t *testing.T, md middleware.Metadata) string {
	t.Helper()
	id, ok := awsmiddleware.GetRequestIDMetadata(md)
	require.True(t, ok, "the response carries a request ID")
	return id
}

// fixture is a detector with a metric set (metrics revenue and orders) and an alert.
type fixture struct {
	detector, metricSet, alert string
}

func createDetector(t *testing.T, c *lm.Client, name string) string {
	t.Helper()
	out, err := c.CreateAnomalyDetector(bg, &lm.CreateAnomalyDetectorInput{
		AnomalyDetectorName:   aws.String(name),
		AnomalyDetectorConfig: &types.AnomalyDetectorConfig{AnomalyDetectorFrequency: types.FrequencyPt1h},
		Tags:                  map[string]string{"team": "analytics"},
	})
	require.NoError(t, err)
	return aws.ToString(out.AnomalyDetectorArn)
}

func newMetricSetInput(detector, name string) *lm.CreateMetricSetInput {
	return &lm.CreateMetricSetInput{
		AnomalyDetectorArn: aws.String(detector), MetricSetName: aws.String(name),
		MetricList: []types.Metric{{MetricName: aws.String("revenue"), AggregationFunction: types.AggregationFunctionSum},
			{MetricName: aws.String("orders"), AggregationFunction: types.AggregationFunctionSum}},
		DimensionList: []string{"region"}, Offset: aws.Int32(300),
		MetricSource: &types.MetricSource{S3SourceConfig: &types.S3SourceConfig{
			RoleArn:           aws.String("arn:aws:iam::123456789012:role/L4M"),
			TemplatedPathList: []string{"s3://bucket/{{yyyyMMdd}}/{{HH}}"}}},
	}
}

func newAlertInput(detector, name string) *lm.CreateAlertInput {
	return &lm.CreateAlertInput{AlertName: aws.String(name), AnomalyDetectorArn: aws.String(detector),
		AlertSensitivityThreshold: 70, Action: &types.Action{SNSConfiguration: &types.SNSConfiguration{
			RoleArn: aws.String("arn:aws:iam::123456789012:role/sns"), SnsTopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:t")}}}
}

func newFixture(t *testing.T, c *lm.Client, name string) fixture {
	t.Helper()
	f := fixture{detector: createDetector(t, c, name)}
	ms, err := c.CreateMetricSet(bg, newMetricSetInput(f.detector, name+"-data"))
	require.NoError(t, err)
	f.metricSet = aws.ToString(ms.MetricSetArn)
	al, err := c.CreateAlert(bg, newAlertInput(f.detector, name+"-alert"))
	require.NoError(t, err)
	f.alert = aws.ToString(al.AlertArn)
	return f
}

// recordOf returns the stored event with the request ID, and its decoded record.
func recordOf(t *testing.T, st *awsemu.Store, reqID string) (*awsemu.Event, map[string]any) {
	t.Helper()
	for _, ev := range st.All() {
		if ev.RequestID == reqID {
			var rec map[string]any
			require.NoError(t, json.Unmarshal([]byte(ev.CloudTrailEvent), &rec))
			return ev, rec
		}
	}
	require.Failf(t, "no CloudTrail record", "request ID %s", reqID)
	return nil, nil
}

// responseRequestID returns the request ID of a failed SDK call.
func responseRequestID(t *testing.T, err error) string {
	t.Helper()
	var re *awshttp.ResponseError
	require.ErrorAs(t, err, &re)
	require.NotEmpty(t, re.ServiceRequestID())
	return re.ServiceRequestID()
}
