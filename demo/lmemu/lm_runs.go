// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"time"
)

// maxExecutions bounds the detection executions DescribeAnomalyDetectionExecutions
// lists.
const maxExecutions = 100

type runsInput struct {
	AnomalyDetectorArn *string
	MetricSetArn       *string
	Timestamp          *string
	MaxResults         *int
	NextToken          *string
}

// describeExecutions lists one COMPLETED detection per detector interval since the
// first activation, newest first.
func (st *lmRegion) describeExecutions(c *lmCall) (any, *apiError) {
	var in runsInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	arn, e := checkARN("AnomalyDetectorArn", in.AnomalyDetectorArn)
	if e != nil {
		return nil, e
	}
	d, e := st.detector(arn)
	if e != nil {
		return nil, e
	}
	list := []map[string]string{}
	if !d.activatedAt.IsZero() {
		interval := frequencyDuration(d.frequency)
		first := d.activatedAt.Truncate(interval)
		if first.Before(d.activatedAt) {
			first = first.Add(interval)
		}
		for t := c.now.Truncate(interval); !t.Before(first) && len(list) < maxExecutions; t = t.Add(-interval) {
			if in.Timestamp == nil || *in.Timestamp == isoTime(t) {
				list = append(list, map[string]string{"Timestamp": isoTime(t), "Status": "COMPLETED"})
			}
		}
	}
	items, next, e := page(list, in.MaxResults, in.NextToken)
	if e != nil {
		return nil, e
	}
	return listOutput("ExecutionList", items, next), nil
}

func (st *lmRegion) getDataQualityMetrics(c *lmCall) (any, *apiError) {
	var in runsInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	arn, e := checkARN("AnomalyDetectorArn", in.AnomalyDetectorArn)
	if e != nil {
		return nil, e
	}
	d, e := st.detector(arn)
	if e != nil {
		return nil, e
	}
	m := st.metricSetOf(d.arn)
	if in.MetricSetArn != nil && (m == nil || m.arn != *in.MetricSetArn) {
		return nil, notFound("MetricSet", *in.MetricSetArn)
	}
	list := []map[string]any{}
	if m != nil && !d.activatedAt.IsZero() {
		list = append(list, map[string]any{"StartTimestamp": epoch(d.activatedAt),
			"MetricSetDataQualityMetricList": []map[string]any{{"MetricSetArn": m.arn,
				"DataQualityMetricList": qualityMetrics(m, c.now.Sub(d.activatedAt))}}})
	}
	return map[string]any{"AnomalyDetectorDataQualityMetricList": list}, nil
}

func qualityMetrics(m *lmMetricSet, since time.Duration) []map[string]any {
	var metrics []struct{ MetricName string }
	_ = json.Unmarshal(m.metricList, &metrics)
	column := "value"
	if len(metrics) > 0 {
		column = metrics[0].MetricName
	}
	rows := float64(int(since/frequencyDuration(m.frequency))+1) * 24
	return []map[string]any{
		{"MetricType": "COLUMN_COMPLETENESS", "MetricDescription": "Fraction of rows with a value in the column",
			"RelatedColumnName": column, "MetricValue": 0.998},
		{"MetricType": "ROWS_PROCESSED", "MetricDescription": "Rows processed", "MetricValue": rows},
		{"MetricType": "TIME_SERIES_COUNT", "MetricDescription": "Time series detected", "MetricValue": 2.0},
	}
}
