// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
)

func (w *workload) tag(lc *lifecycle) wlStep {
	return write("TagResource", func(ctx context.Context, c *lm.Client) error {
		_, err := c.TagResource(ctx, &lm.TagResourceInput{ResourceArn: aws.String(w.metricSetARN(lc)),
			Tags: map[string]string{"cost-center": "cc-4711", "env": "prod"}})
		return err
	})
}

func (w *workload) listTags(lc *lifecycle) wlStep {
	return read("ListTagsForResource", func(ctx context.Context, c *lm.Client) error {
		_, err := c.ListTagsForResource(ctx, &lm.ListTagsForResourceInput{ResourceArn: aws.String(w.metricSetARN(lc))})
		return err
	})
}

func (w *workload) untag(lc *lifecycle) wlStep {
	return write("UntagResource", func(ctx context.Context, c *lm.Client) error {
		_, err := c.UntagResource(ctx, &lm.UntagResourceInput{ResourceArn: aws.String(w.metricSetARN(lc)),
			TagKeys: []string{"env"}})
		return err
	})
}

// detectorCall is a write call that names only the detector.
func (w *workload) detectorCall(op string, lc *lifecycle,
	call func(context.Context, *lm.Client, *string) error,
) wlStep {
	return write(op, func(ctx context.Context, c *lm.Client) error { return call(ctx, c, aws.String(w.detectorARN(lc))) })
}

func (w *workload) backTest(lc *lifecycle) wlStep {
	return w.detectorCall("BackTestAnomalyDetector", lc, func(ctx context.Context, c *lm.Client, arn *string) error {
		_, err := c.BackTestAnomalyDetector(ctx, &lm.BackTestAnomalyDetectorInput{AnomalyDetectorArn: arn})
		return err
	})
}

func (w *workload) activate(lc *lifecycle) wlStep {
	return w.detectorCall("ActivateAnomalyDetector", lc, func(ctx context.Context, c *lm.Client, arn *string) error {
		_, err := c.ActivateAnomalyDetector(ctx, &lm.ActivateAnomalyDetectorInput{AnomalyDetectorArn: arn})
		return err
	})
}

func (w *workload) deactivate(lc *lifecycle) wlStep {
	return w.detectorCall("DeactivateAnomalyDetector", lc, func(ctx context.Context, c *lm.Client, arn *string) error {
		_, err := c.DeactivateAnomalyDetector(ctx, &lm.DeactivateAnomalyDetectorInput{AnomalyDetectorArn: arn})
		return err
	})
}

func (w *workload) deleteDetector(lc *lifecycle) wlStep {
	return w.detectorCall("DeleteAnomalyDetector", lc, func(ctx context.Context, c *lm.Client, arn *string) error {
		_, err := c.DeleteAnomalyDetector(ctx, &lm.DeleteAnomalyDetectorInput{AnomalyDetectorArn: arn})
		return err
	})
}

func (w *workload) updateDetector(lc *lifecycle) wlStep {
	return w.detectorCall("UpdateAnomalyDetector", lc, func(ctx context.Context, c *lm.Client, arn *string) error {
		_, err := c.UpdateAnomalyDetector(ctx, &lm.UpdateAnomalyDetectorInput{AnomalyDetectorArn: arn,
			AnomalyDetectorDescription: aws.String("Hourly anomalies, reviewed weekly")})
		return err
	})
}

func (w *workload) updateMetricSet(lc *lifecycle) wlStep {
	return write("UpdateMetricSet", func(ctx context.Context, c *lm.Client) error {
		_, err := c.UpdateMetricSet(ctx, &lm.UpdateMetricSetInput{MetricSetArn: aws.String(w.metricSetARN(lc)),
			Offset: aws.Int32(600), MetricSetDescription: aws.String("Orders and revenue, 10 min offset")})
		return err
	})
}

func (w *workload) updateAlert(lc *lifecycle) wlStep {
	return write("UpdateAlert", func(ctx context.Context, c *lm.Client) error {
		_, err := c.UpdateAlert(ctx, &lm.UpdateAlertInput{AlertArn: aws.String(w.alertARN(lc)),
			AlertSensitivityThreshold: 80})
		return err
	})
}

func (w *workload) deleteAlert(lc *lifecycle) wlStep {
	return write("DeleteAlert", func(ctx context.Context, c *lm.Client) error {
		_, err := c.DeleteAlert(ctx, &lm.DeleteAlertInput{AlertArn: aws.String(w.alertARN(lc))})
		return err
	})
}

func (w *workload) describeDetector(lc *lifecycle) wlStep {
	return read("DescribeAnomalyDetector", func(ctx context.Context, c *lm.Client) error {
		_, err := c.DescribeAnomalyDetector(ctx, &lm.DescribeAnomalyDetectorInput{
			AnomalyDetectorArn: aws.String(w.detectorARN(lc))})
		return err
	})
}

func (w *workload) describeMetricSet(lc *lifecycle) wlStep {
	return read("DescribeMetricSet", func(ctx context.Context, c *lm.Client) error {
		_, err := c.DescribeMetricSet(ctx, &lm.DescribeMetricSetInput{MetricSetArn: aws.String(w.metricSetARN(lc))})
		return err
	})
}

func (w *workload) describeAlert(lc *lifecycle) wlStep {
	return read("DescribeAlert", func(ctx context.Context, c *lm.Client) error {
		_, err := c.DescribeAlert(ctx, &lm.DescribeAlertInput{AlertArn: aws.String(w.alertARN(lc))})
		return err
	})
}

func (w *workload) listDetectors() wlStep {
	return read("ListAnomalyDetectors", func(ctx context.Context, c *lm.Client) error {
		_, err := c.ListAnomalyDetectors(ctx, &lm.ListAnomalyDetectorsInput{MaxResults: aws.Int32(25)})
		return err
	})
}

func (w *workload) listMetricSets(lc *lifecycle) wlStep {
	return read("ListMetricSets", func(ctx context.Context, c *lm.Client) error {
		_, err := c.ListMetricSets(ctx, &lm.ListMetricSetsInput{AnomalyDetectorArn: aws.String(w.detectorARN(lc))})
		return err
	})
}

func (w *workload) listAlerts(lc *lifecycle) wlStep {
	return read("ListAlerts", func(ctx context.Context, c *lm.Client) error {
		_, err := c.ListAlerts(ctx, &lm.ListAlertsInput{AnomalyDetectorArn: aws.String(w.detectorARN(lc))})
		return err
	})
}

func (w *workload) executions(lc *lifecycle) wlStep {
	return read("DescribeAnomalyDetectionExecutions", func(ctx context.Context, c *lm.Client) error {
		_, err := c.DescribeAnomalyDetectionExecutions(ctx, &lm.DescribeAnomalyDetectionExecutionsInput{
			AnomalyDetectorArn: aws.String(w.detectorARN(lc)), MaxResults: aws.Int32(10)})
		return err
	})
}

func (w *workload) dataQuality(lc *lifecycle) wlStep {
	return read("GetDataQualityMetrics", func(ctx context.Context, c *lm.Client) error {
		_, err := c.GetDataQualityMetrics(ctx, &lm.GetDataQualityMetricsInput{
			AnomalyDetectorArn: aws.String(w.detectorARN(lc))})
		return err
	})
}

// anomalySteps read the anomaly groups found at activation and give feedback.
func (w *workload) anomalySteps(lc *lifecycle) []wlStep {
	det := func() *string { return aws.String(w.detectorARN(lc)) }
	group := func() *string { return aws.String(or(lc.group, "00000000-0000-4000-8000-000000000000")) }
	return []wlStep{w.groupSummaries(lc),
		read("GetAnomalyGroup", func(ctx context.Context, c *lm.Client) error {
			out, err := c.GetAnomalyGroup(ctx, &lm.GetAnomalyGroupInput{AnomalyDetectorArn: det(), AnomalyGroupId: group()})
			if err == nil && out.AnomalyGroup != nil {
				lc.groupMetric = aws.ToString(out.AnomalyGroup.PrimaryMetricName)
			}
			return err
		}),
		read("ListAnomalyGroupTimeSeries", func(ctx context.Context, c *lm.Client) error {
			out, err := c.ListAnomalyGroupTimeSeries(ctx, &lm.ListAnomalyGroupTimeSeriesInput{AnomalyDetectorArn: det(),
				AnomalyGroupId: group(), MetricName: aws.String(or(lc.groupMetric, "revenue"))})
			if err == nil && len(out.TimeSeriesList) > 0 {
				lc.series = aws.ToString(out.TimeSeriesList[0].TimeSeriesId)
			}
			return err
		}),
		read("ListAnomalyGroupRelatedMetrics", func(ctx context.Context, c *lm.Client) error {
			_, err := c.ListAnomalyGroupRelatedMetrics(ctx, &lm.ListAnomalyGroupRelatedMetricsInput{
				AnomalyDetectorArn: det(), AnomalyGroupId: group()})
			return err
		}),
		write("PutFeedback", func(ctx context.Context, c *lm.Client) error {
			_, err := c.PutFeedback(ctx, &lm.PutFeedbackInput{AnomalyDetectorArn: det(),
				AnomalyGroupTimeSeriesFeedback: &types.AnomalyGroupTimeSeriesFeedback{AnomalyGroupId: group(),
					TimeSeriesId: aws.String(or(lc.series, "unknown-series")), IsAnomaly: aws.Bool(true)}})
			return err
		}),
		read("GetFeedback", func(ctx context.Context, c *lm.Client) error {
			_, err := c.GetFeedback(ctx, &lm.GetFeedbackInput{AnomalyDetectorArn: det(),
				AnomalyGroupTimeSeriesFeedback: &types.AnomalyGroupTimeSeries{AnomalyGroupId: group()}})
			return err
		}),
	}
}

func (w *workload) groupSummaries(lc *lifecycle) wlStep {
	return read("ListAnomalyGroupSummaries", func(ctx context.Context, c *lm.Client) error {
		out, err := c.ListAnomalyGroupSummaries(ctx, &lm.ListAnomalyGroupSummariesInput{
			AnomalyDetectorArn: aws.String(w.detectorARN(lc)), SensitivityThreshold: 50})
		if err == nil && len(out.AnomalyGroupSummaryList) > 0 && lc.group == "" {
			lc.group = aws.ToString(out.AnomalyGroupSummaryList[0].AnomalyGroupId)
		}
		return err
	})
}
