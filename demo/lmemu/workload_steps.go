// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
)

// lifecycle is one detector's resources, as learnt from the responses.
type lifecycle struct {
	name                       string
	detector, metricSet, alert string // ARNs; "" until created
	group, series, groupMetric string // the first anomaly group, its time series and metric
}

var detectorNames = []string{"revenue", "checkout-latency", "signups", "ad-spend", "inventory", "api-errors"}

func (w *workload) newLifecycle() *lifecycle {
	name := fmt.Sprintf("%s-%s-%d", detectorNames[w.rng.IntN(len(detectorNames))], w.nonce, w.cycles)
	w.lc = &lifecycle{name: name}
	return w.lc
}

// arn returns the ARN a resource has (or would have) in the workload's account.
func (w *workload) arn(resource string) string {
	return "arn:aws:lookoutmetrics:" + w.opts.Region + ":" + w.account + ":" + resource
}

func (w *workload) detectorARN(lc *lifecycle) string {
	return or(lc.detector, w.arn("AnomalyDetector:"+lc.name))
}

func (w *workload) metricSetARN(lc *lifecycle) string {
	return or(lc.metricSet, w.arn("MetricSet/"+lc.name+"/"+lc.name+"-data"))
}

func (w *workload) alertARN(lc *lifecycle) string {
	return or(lc.alert, w.arn("Alert:"+lc.name+"-alert"))
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}

type runFunc = func(ctx context.Context, c *lm.Client) error

func write(op string, run runFunc) wlStep { return wlStep{op: op, write: true, run: run} }
func read(op string, run runFunc) wlStep  { return wlStep{op: op, run: run} }

// lifecycleSteps returns the 30 operations in the order a team would call them.
func (w *workload) lifecycleSteps(lc *lifecycle) []wlStep {
	steps := []wlStep{w.createDetector(lc, lc.name), w.detectConfig(lc), w.sampleData(), w.createMetricSet(lc),
		w.createAlert(lc), w.tag(lc), w.listTags(lc), w.untag(lc), w.backTest(lc), w.activate(lc)}
	steps = append(steps, w.reads(lc)...)
	steps = append(steps, w.anomalySteps(lc)...)
	return append(steps, w.updateDetector(lc), w.updateMetricSet(lc), w.updateAlert(lc), w.deactivate(lc),
		w.deleteAlert(lc), w.deleteDetector(lc))
}

// reads are the describe and list calls about a lifecycle's resources.
func (w *workload) reads(lc *lifecycle) []wlStep {
	return []wlStep{w.describeDetector(lc), w.describeMetricSet(lc), w.describeAlert(lc), w.listDetectors(),
		w.listMetricSets(lc), w.listAlerts(lc), w.executions(lc), w.dataQuality(lc)}
}

func (w *workload) readStep() wlStep {
	steps := append(w.reads(w.lc), w.listTags(w.lc), w.groupSummaries(w.lc))
	return steps[w.rng.IntN(len(steps))]
}

// errorStep returns a call that fails: a missing resource, an invalid name, a denied
// principal or a duplicate name.
func (w *workload) errorStep() wlStep {
	switch w.rng.IntN(4) {
	case 0:
		return w.describeDetector(&lifecycle{name: "deleted-" + w.nonce})
	case 1:
		return w.createDetector(&lifecycle{}, "invalid name!")
	case 2:
		if w.denied != "" {
			s := w.listDetectors()
			s.key = w.denied
			return s
		}
		return w.describeMetricSet(&lifecycle{name: "deleted-" + w.nonce})
	}
	if w.lc != nil && w.lc.detector != "" {
		return w.createDetector(&lifecycle{}, w.lc.name) // ConflictException
	}
	return w.describeAlert(&lifecycle{name: "deleted-" + w.nonce})
}

func (w *workload) createDetector(lc *lifecycle, name string) wlStep {
	return write("CreateAnomalyDetector", func(ctx context.Context, c *lm.Client) error {
		out, err := c.CreateAnomalyDetector(ctx, &lm.CreateAnomalyDetectorInput{
			AnomalyDetectorName:        aws.String(name),
			AnomalyDetectorDescription: aws.String("Hourly " + strings.SplitN(name, "-", 2)[0] + " anomalies"),
			AnomalyDetectorConfig:      &types.AnomalyDetectorConfig{AnomalyDetectorFrequency: types.FrequencyPt1h},
			Tags:                       map[string]string{"team": "analytics"},
		})
		if err == nil {
			lc.detector = aws.ToString(out.AnomalyDetectorArn)
			if parts := strings.Split(lc.detector, ":"); len(parts) > 4 {
				w.account = parts[4]
			}
		}
		return err
	})
}

func (w *workload) detectConfig(lc *lifecycle) wlStep {
	return write("DetectMetricSetConfig", func(ctx context.Context, c *lm.Client) error {
		_, err := c.DetectMetricSetConfig(ctx, &lm.DetectMetricSetConfigInput{
			AnomalyDetectorArn: aws.String(w.detectorARN(lc)),
			AutoDetectionMetricSource: &types.AutoDetectionMetricSource{S3SourceConfig: &types.AutoDetectionS3SourceConfig{
				TemplatedPathList: []string{"s3://sales-metrics/" + lc.name + "/{{yyyyMMdd}}/{{HH}}"}}},
		})
		return err
	})
}

func (w *workload) sampleData() wlStep {
	return read("GetSampleData", func(ctx context.Context, c *lm.Client) error {
		_, err := c.GetSampleData(ctx, &lm.GetSampleDataInput{S3SourceConfig: &types.SampleDataS3SourceConfig{
			RoleArn:                aws.String("arn:aws:iam::" + w.account + ":role/LookoutMetricsAccess"),
			HistoricalDataPathList: []string{"s3://sales-metrics/history/"},
			FileFormatDescriptor:   csvFormat(),
		}})
		return err
	})
}

func csvFormat() *types.FileFormatDescriptor {
	return &types.FileFormatDescriptor{CsvFormatDescriptor: &types.CsvFormatDescriptor{
		Charset: aws.String("UTF-8"), ContainsHeader: aws.Bool(true), Delimiter: aws.String(","),
		FileCompression: types.CSVFileCompressionNone}}
}

func (w *workload) createMetricSet(lc *lifecycle) wlStep {
	return write("CreateMetricSet", func(ctx context.Context, c *lm.Client) error {
		out, err := c.CreateMetricSet(ctx, &lm.CreateMetricSetInput{
			AnomalyDetectorArn: aws.String(w.detectorARN(lc)), MetricSetName: aws.String(lc.name + "-data"),
			MetricSetDescription: aws.String("Orders and revenue per region and platform"),
			MetricList: []types.Metric{{MetricName: aws.String("revenue"), AggregationFunction: types.AggregationFunctionSum},
				{MetricName: aws.String("orders"), AggregationFunction: types.AggregationFunctionSum}},
			DimensionList:      []string{"region", "platform"},
			TimestampColumn:    &types.TimestampColumn{ColumnName: aws.String("timestamp"), ColumnFormat: aws.String("yyyy-MM-dd HH:mm:ss")},
			MetricSetFrequency: types.FrequencyPt1h, Offset: aws.Int32(300), Timezone: aws.String("UTC"),
			MetricSource: &types.MetricSource{S3SourceConfig: &types.S3SourceConfig{
				RoleArn:              aws.String("arn:aws:iam::" + w.account + ":role/LookoutMetricsAccess"),
				TemplatedPathList:    []string{"s3://sales-metrics/" + lc.name + "/{{yyyyMMdd}}/{{HH}}"},
				FileFormatDescriptor: csvFormat()}},
		})
		if err == nil {
			lc.metricSet = aws.ToString(out.MetricSetArn)
		}
		return err
	})
}

func (w *workload) createAlert(lc *lifecycle) wlStep {
	return write("CreateAlert", func(ctx context.Context, c *lm.Client) error {
		out, err := c.CreateAlert(ctx, &lm.CreateAlertInput{
			AlertName: aws.String(lc.name + "-alert"), AnomalyDetectorArn: aws.String(w.detectorARN(lc)),
			AlertSensitivityThreshold: 70, AlertDescription: aws.String("Page the on-call analyst"),
			Action: &types.Action{SNSConfiguration: &types.SNSConfiguration{
				RoleArn:     aws.String("arn:aws:iam::" + w.account + ":role/LookoutMetricsSNS"),
				SnsTopicArn: aws.String("arn:aws:sns:" + w.opts.Region + ":" + w.account + ":anomaly-alerts"),
				SnsFormat:   types.SnsFormatShortText}},
		})
		if err == nil {
			lc.alert = aws.ToString(out.AlertArn)
		}
		return err
	})
}
