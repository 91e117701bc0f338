// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"testing"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetricSets(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	f := newFixture(t, c, "sales")
	assert.Equal(t, "arn:aws:lookoutmetrics:us-east-1:123456789012:MetricSet/sales/sales-data", f.metricSet)

	d, err := c.DescribeMetricSet(bg, &lm.DescribeMetricSetInput{MetricSetArn: &f.metricSet})
	require.NoError(t, err)
	assert.Equal(t, f.detector, aws.ToString(d.AnomalyDetectorArn))
	assert.Equal(t, "sales-data", aws.ToString(d.MetricSetName))
	assert.Equal(t, int32(300), aws.ToInt32(d.Offset))
	assert.Equal(t, types.FrequencyPt1h, d.MetricSetFrequency, "defaults to the detector's frequency")
	require.Len(t, d.MetricList, 2)
	assert.Equal(t, types.AggregationFunctionSum, d.MetricList[0].AggregationFunction)
	assert.Equal(t, "s3://bucket/{{yyyyMMdd}}/{{HH}}", d.MetricSource.S3SourceConfig.TemplatedPathList[0])

	_, err = c.UpdateMetricSet(bg, &lm.UpdateMetricSetInput{MetricSetArn: &f.metricSet, Offset: aws.Int32(600),
		MetricSetDescription: aws.String("ten minutes late")})
	require.NoError(t, err)
	d, err = c.DescribeMetricSet(bg, &lm.DescribeMetricSetInput{MetricSetArn: &f.metricSet})
	require.NoError(t, err)
	assert.Equal(t, int32(600), aws.ToInt32(d.Offset))
	assert.Equal(t, "ten minutes late", aws.ToString(d.MetricSetDescription))

	_, err = c.CreateMetricSet(bg, newMetricSetInput(f.detector, "second"))
	var quota *types.ServiceQuotaExceededException
	require.ErrorAs(t, err, &quota, "one metric set per detector")
	_, err = c.CreateMetricSet(bg, newMetricSetInput(f.detector, "sales-data"))
	var ce *types.ConflictException
	require.ErrorAs(t, err, &ce)

	list, err := c.ListMetricSets(bg, &lm.ListMetricSetsInput{AnomalyDetectorArn: &f.detector})
	require.NoError(t, err)
	require.Len(t, list.MetricSetSummaryList, 1)
	assert.Equal(t, f.metricSet, aws.ToString(list.MetricSetSummaryList[0].MetricSetArn))
}

func TestAlerts(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	f := newFixture(t, c, "sales")
	assert.Equal(t, "arn:aws:lookoutmetrics:us-east-1:123456789012:Alert:sales-alert", f.alert)

	d, err := c.DescribeAlert(bg, &lm.DescribeAlertInput{AlertArn: &f.alert})
	require.NoError(t, err)
	assert.Equal(t, types.AlertTypeSns, d.Alert.AlertType)
	assert.Equal(t, types.AlertStatusActive, d.Alert.AlertStatus)
	assert.Equal(t, int32(70), d.Alert.AlertSensitivityThreshold)
	assert.Equal(t, f.detector, aws.ToString(d.Alert.AnomalyDetectorArn))

	_, err = c.UpdateAlert(bg, &lm.UpdateAlertInput{AlertArn: &f.alert, AlertSensitivityThreshold: 90,
		Action: &types.Action{LambdaConfiguration: &types.LambdaConfiguration{RoleArn: aws.String("arn:aws:iam::1:role/r"),
			LambdaArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:page")}}})
	require.NoError(t, err)
	list, err := c.ListAlerts(bg, &lm.ListAlertsInput{AnomalyDetectorArn: &f.detector})
	require.NoError(t, err)
	require.Len(t, list.AlertSummaryList, 1)
	assert.Equal(t, int32(90), list.AlertSummaryList[0].AlertSensitivityThreshold)
	assert.Equal(t, types.AlertTypeLambda, list.AlertSummaryList[0].AlertType)

	_, err = c.CreateAlert(bg, newAlertInput(f.detector, "sales-alert"))
	var ce *types.ConflictException
	require.ErrorAs(t, err, &ce)
	_, err = c.DeleteAlert(bg, &lm.DeleteAlertInput{AlertArn: &f.alert})
	require.NoError(t, err)
	_, err = c.DescribeAlert(bg, &lm.DescribeAlertInput{AlertArn: &f.alert})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "Alert", aws.ToString(nf.ResourceType))
	assert.Equal(t, f.alert, aws.ToString(nf.ResourceId))
}

func TestTagsOnEveryResourceKind(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	f := newFixture(t, c, "tagged")
	for _, arn := range []string{f.detector, f.metricSet, f.alert} { // the metric set ARN has slashes
		_, err := c.TagResource(bg, &lm.TagResourceInput{ResourceArn: aws.String(arn),
			Tags: map[string]string{"env": "prod", "owner": "data"}})
		require.NoError(t, err, arn)
		_, err = c.UntagResource(bg, &lm.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"owner"}})
		require.NoError(t, err, arn)
		out, err := c.ListTagsForResource(bg, &lm.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		require.NoError(t, err, arn)
		want := map[string]string{"env": "prod"}
		if arn == f.detector {
			want["team"] = "analytics" // from CreateAnomalyDetector
		}
		assert.Equal(t, want, out.Tags, arn)
	}
	_, err := c.ListTagsForResource(bg, &lm.ListTagsForResourceInput{
		ResourceArn: aws.String("arn:aws:lookoutmetrics:us-east-1:123456789012:Alert:nope")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}

func TestDataSourceOperations(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	arn := createDetector(t, c, "src")
	det, err := c.DetectMetricSetConfig(bg, &lm.DetectMetricSetConfigInput{AnomalyDetectorArn: &arn,
		AutoDetectionMetricSource: &types.AutoDetectionMetricSource{S3SourceConfig: &types.AutoDetectionS3SourceConfig{
			TemplatedPathList: []string{"s3://bucket/{{yyyyMMdd}}"}}}})
	require.NoError(t, err)
	cfg := det.DetectedMetricSetConfig
	assert.Equal(t, "PT1H", aws.ToString(cfg.MetricSetFrequency.Value.S))
	assert.Equal(t, types.ConfidenceHigh, cfg.Offset.Confidence)
	assert.Contains(t, cfg.MetricSource.S3SourceConfig.FileFormatDescriptor.CsvFormatDescriptor.HeaderList.Value.SS, "revenue")

	sample, err := c.GetSampleData(bg, &lm.GetSampleDataInput{S3SourceConfig: &types.SampleDataS3SourceConfig{
		RoleArn:              aws.String("arn:aws:iam::123456789012:role/L4M"),
		FileFormatDescriptor: &types.FileFormatDescriptor{CsvFormatDescriptor: &types.CsvFormatDescriptor{}}}})
	require.NoError(t, err)
	assert.Equal(t, sampleHeader, sample.HeaderValues)
	require.NotEmpty(t, sample.SampleRows)
	assert.Len(t, sample.SampleRows[0], len(sampleHeader))

	_, err = c.GetSampleData(bg, &lm.GetSampleDataInput{})
	var ve *types.ValidationException
	require.ErrorAs(t, err, &ve)
}
