// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// activeFixture returns a fixture whose detector was activated at t0 and is ACTIVE.
func activeFixture(t *testing.T, h *harness, c *lm.Client) fixture {
	t.Helper()
	f := newFixture(t, c, "orders")
	_, err := c.ActivateAnomalyDetector(bg, &lm.ActivateAnomalyDetectorInput{AnomalyDetectorArn: &f.detector})
	require.NoError(t, err)
	h.clock.Advance(3 * time.Hour)
	return f
}

func TestAnomalyGroups(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	f := activeFixture(t, h, c)

	sum, err := c.ListAnomalyGroupSummaries(bg, &lm.ListAnomalyGroupSummariesInput{AnomalyDetectorArn: &f.detector,
		SensitivityThreshold: 50})
	require.NoError(t, err)
	require.Len(t, sum.AnomalyGroupSummaryList, 1, "one of the two groups scores 50 or more")
	assert.Equal(t, int32(1), sum.AnomalyGroupStatistics.TotalCount)
	all, err := c.ListAnomalyGroupSummaries(bg, &lm.ListAnomalyGroupSummariesInput{AnomalyDetectorArn: &f.detector})
	require.NoError(t, err)
	require.Len(t, all.AnomalyGroupSummaryList, 2)
	id := sum.AnomalyGroupSummaryList[0].AnomalyGroupId

	g, err := c.GetAnomalyGroup(bg, &lm.GetAnomalyGroupInput{AnomalyDetectorArn: &f.detector, AnomalyGroupId: id})
	require.NoError(t, err)
	assert.Equal(t, "revenue", aws.ToString(g.AnomalyGroup.PrimaryMetricName))
	assert.InDelta(t, 87.5, aws.ToFloat64(g.AnomalyGroup.AnomalyGroupScore), 0)
	require.Len(t, g.AnomalyGroup.MetricLevelImpactList, 1)
	assert.Equal(t, int32(2), g.AnomalyGroup.MetricLevelImpactList[0].NumTimeSeries)

	ts, err := c.ListAnomalyGroupTimeSeries(bg, &lm.ListAnomalyGroupTimeSeriesInput{AnomalyDetectorArn: &f.detector,
		AnomalyGroupId: id, MetricName: aws.String("revenue")})
	require.NoError(t, err)
	require.Len(t, ts.TimeSeriesList, 2)
	assert.Equal(t, "region", aws.ToString(ts.TimeSeriesList[0].DimensionList[0].DimensionName))
	assert.NotEmpty(t, ts.TimestampList)

	rel, err := c.ListAnomalyGroupRelatedMetrics(bg, &lm.ListAnomalyGroupRelatedMetricsInput{
		AnomalyDetectorArn: &f.detector, AnomalyGroupId: id})
	require.NoError(t, err)
	require.Len(t, rel.InterMetricImpactList, 1)
	assert.Equal(t, "orders", aws.ToString(rel.InterMetricImpactList[0].MetricName))

	_, err = c.GetAnomalyGroup(bg, &lm.GetAnomalyGroupInput{AnomalyDetectorArn: &f.detector,
		AnomalyGroupId: aws.String("00000000-0000-4000-8000-000000000000")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}

func TestFeedback(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	f := activeFixture(t, h, c)
	sum, err := c.ListAnomalyGroupSummaries(bg, &lm.ListAnomalyGroupSummariesInput{AnomalyDetectorArn: &f.detector,
		SensitivityThreshold: 80})
	require.NoError(t, err)
	id := sum.AnomalyGroupSummaryList[0].AnomalyGroupId
	ts, err := c.ListAnomalyGroupTimeSeries(bg, &lm.ListAnomalyGroupTimeSeriesInput{AnomalyDetectorArn: &f.detector,
		AnomalyGroupId: id, MetricName: aws.String("revenue")})
	require.NoError(t, err)
	series := ts.TimeSeriesList[1].TimeSeriesId

	got, err := c.GetFeedback(bg, &lm.GetFeedbackInput{AnomalyDetectorArn: &f.detector,
		AnomalyGroupTimeSeriesFeedback: &types.AnomalyGroupTimeSeries{AnomalyGroupId: id}})
	require.NoError(t, err)
	assert.Empty(t, got.AnomalyGroupTimeSeriesFeedback)
	_, err = c.PutFeedback(bg, &lm.PutFeedbackInput{AnomalyDetectorArn: &f.detector,
		AnomalyGroupTimeSeriesFeedback: &types.AnomalyGroupTimeSeriesFeedback{AnomalyGroupId: id,
			TimeSeriesId: series, IsAnomaly: aws.Bool(false)}})
	require.NoError(t, err)
	got, err = c.GetFeedback(bg, &lm.GetFeedbackInput{AnomalyDetectorArn: &f.detector,
		AnomalyGroupTimeSeriesFeedback: &types.AnomalyGroupTimeSeries{AnomalyGroupId: id}})
	require.NoError(t, err)
	require.Len(t, got.AnomalyGroupTimeSeriesFeedback, 1)
	assert.Equal(t, aws.ToString(series), aws.ToString(got.AnomalyGroupTimeSeriesFeedback[0].TimeSeriesId))
	assert.False(t, aws.ToBool(got.AnomalyGroupTimeSeriesFeedback[0].IsAnomaly))

	_, err = c.PutFeedback(bg, &lm.PutFeedbackInput{AnomalyDetectorArn: &f.detector,
		AnomalyGroupTimeSeriesFeedback: &types.AnomalyGroupTimeSeriesFeedback{AnomalyGroupId: id,
			TimeSeriesId: aws.String("no-such-series"), IsAnomaly: aws.Bool(true)}})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}

func TestExecutionsAndDataQuality(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	f := newFixture(t, c, "q")
	ex, err := c.DescribeAnomalyDetectionExecutions(bg, &lm.DescribeAnomalyDetectionExecutionsInput{
		AnomalyDetectorArn: &f.detector})
	require.NoError(t, err)
	assert.Empty(t, ex.ExecutionList, "no executions before activation")
	dq, err := c.GetDataQualityMetrics(bg, &lm.GetDataQualityMetricsInput{AnomalyDetectorArn: &f.detector})
	require.NoError(t, err)
	assert.Empty(t, dq.AnomalyDetectorDataQualityMetricList)

	_, err = c.ActivateAnomalyDetector(bg, &lm.ActivateAnomalyDetectorInput{AnomalyDetectorArn: &f.detector})
	require.NoError(t, err)
	h.clock.Advance(3 * time.Hour)
	ex, err = c.DescribeAnomalyDetectionExecutions(bg, &lm.DescribeAnomalyDetectionExecutionsInput{
		AnomalyDetectorArn: &f.detector, MaxResults: aws.Int32(3)})
	require.NoError(t, err)
	require.Len(t, ex.ExecutionList, 3, "hourly since t0: 4 executions, 3 per page")
	assert.Equal(t, "2026-03-01T15:00:00Z", aws.ToString(ex.ExecutionList[0].Timestamp), "newest first")
	assert.Equal(t, types.AnomalyDetectionTaskStatusCompleted, ex.ExecutionList[0].Status)
	require.NotNil(t, ex.NextToken)
	ex, err = c.DescribeAnomalyDetectionExecutions(bg, &lm.DescribeAnomalyDetectionExecutionsInput{
		AnomalyDetectorArn: &f.detector, NextToken: ex.NextToken})
	require.NoError(t, err)
	require.Len(t, ex.ExecutionList, 1)
	assert.Equal(t, "2026-03-01T12:00:00Z", aws.ToString(ex.ExecutionList[0].Timestamp))

	dq, err = c.GetDataQualityMetrics(bg, &lm.GetDataQualityMetricsInput{AnomalyDetectorArn: &f.detector,
		MetricSetArn: &f.metricSet})
	require.NoError(t, err)
	require.Len(t, dq.AnomalyDetectorDataQualityMetricList, 1)
	ms := dq.AnomalyDetectorDataQualityMetricList[0].MetricSetDataQualityMetricList
	require.Len(t, ms, 1)
	assert.Equal(t, f.metricSet, aws.ToString(ms[0].MetricSetArn))
	assert.NotEmpty(t, ms[0].DataQualityMetricList)
}
