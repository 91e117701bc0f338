// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// seedWeights is the relative frequency of each operation in seeded activity: mostly
// dashboards and scripts reading, now and then a change.
var seedWeights = map[string]int{
	"ListAnomalyDetectors": 10, "DescribeAnomalyDetector": 12, "ListMetricSets": 6, "DescribeMetricSet": 6,
	"ListAlerts": 5, "DescribeAlert": 5, "ListAnomalyGroupSummaries": 8, "GetAnomalyGroup": 6,
	"ListAnomalyGroupTimeSeries": 5, "ListAnomalyGroupRelatedMetrics": 3, "GetFeedback": 2,
	"GetDataQualityMetrics": 3, "DescribeAnomalyDetectionExecutions": 4, "ListTagsForResource": 2,
	"GetSampleData": 1, "CreateAnomalyDetector": 1, "CreateMetricSet": 1, "CreateAlert": 1,
	"UpdateAnomalyDetector": 2, "UpdateMetricSet": 1, "UpdateAlert": 1, "ActivateAnomalyDetector": 1,
	"DeactivateAnomalyDetector": 1, "BackTestAnomalyDetector": 1, "DeleteAlert": 1, "DeleteAnomalyDetector": 1,
	"PutFeedback": 2, "TagResource": 1, "UntagResource": 1, "DetectMetricSetConfig": 1,
}

// seedDetectors is the size of the pool of detectors seeded calls are about.
const seedDetectors = 40

var (
	seedAgents = []string{
		"aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 exec-env/CloudShell",
		"aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.24.1 md/GOOS#linux md/GOARCH#amd64 api/lookoutmetrics#1.32.0",
		"Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213 md/arch#x86_64 lang/python#3.12.2 cfg/retry-mode#legacy",
		"AWS Internal",
	}
	seedIPs = []string{"203.0.113.10", "198.51.100.23", "192.0.2.44", "lookoutmetrics.amazonaws.com"}
)

type seedOp struct {
	name     string
	readOnly bool
	upTo     int // cumulative weight
}

// seedCall is the precomputed JSON of one operation on one pool detector.
type seedCall struct {
	params, response json.RawMessage
	resources        []awsemu.Resource
}

func newSeedGen(opts SeedOptions) *seedGen {
	g := &seedGen{opts: opts, keys: principalKeys(opts.Principals), calls: map[string][]seedCall{},
		agents: seedAgents, ips: seedIPs}
	st := &lmRegion{account: opts.Account, region: opts.Region}
	for _, name := range slices.Sorted(maps.Keys(seedWeights)) {
		g.total += seedWeights[name]
		g.ops = append(g.ops, seedOp{name: name, readOnly: isReadOnlyOperation(name), upTo: g.total})
		for d := range seedDetectors {
			r := seedNames(st, d)
			params, resp := r.createParams(name)
			if params == nil {
				params, resp = r.params(name)
			}
			call := seedCall{params: mustJSON(params), response: mustJSON(resp)}
			call.resources = arnResources(call.params, call.response)
			g.calls[name] = append(g.calls[name], call)
		}
	}
	return g
}

// seedResources names one pool detector's resources.
type seedResources struct {
	account, detName, det, ms, alert, group, series string
}

func seedNames(st *lmRegion, d int) seedResources {
	name := fmt.Sprintf("%s-%02d", detectorNames[d%len(detectorNames)], d)
	det := st.detectorARN(name)
	group := hashUUID(det, "0")
	return seedResources{account: st.account, detName: name, det: det, ms: st.metricSetARN(name, name+"-data"),
		alert: st.alertARN(name + "-alert"), group: group, series: hashUUID(group, "us-east-1")[:8]}
}

func mustJSON(v map[string]any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}

type obj = map[string]any

// createParams returns the request parameters and response elements of the creating
// operations, or nil for the others.
func (r seedResources) createParams(op string) (params, resp obj) {
	role := "arn:aws:iam::" + r.account + ":role/LookoutMetricsAccess"
	s3 := obj{"RoleArn": role, "TemplatedPathList": []string{"s3://sales-metrics/" + r.detName + "/{{yyyyMMdd}}/{{HH}}"},
		"FileFormatDescriptor": obj{"CsvFormatDescriptor": obj{"Charset": "UTF-8", "ContainsHeader": true,
			"Delimiter": ",", "FileCompression": "NONE"}}}
	switch op {
	case "CreateAnomalyDetector":
		return obj{"AnomalyDetectorName": r.detName, "AnomalyDetectorDescription": "Hourly anomalies",
				"AnomalyDetectorConfig": obj{"AnomalyDetectorFrequency": "PT1H"}, "Tags": obj{"team": "analytics"}},
			obj{"AnomalyDetectorArn": r.det}
	case "CreateMetricSet":
		return obj{"AnomalyDetectorArn": r.det, "MetricSetName": r.detName + "-data",
			"MetricList": []obj{{"MetricName": "revenue", "AggregationFunction": "SUM"},
				{"MetricName": "orders", "AggregationFunction": "SUM"}},
			"DimensionList": []string{"region", "platform"}, "MetricSetFrequency": "PT1H", "Offset": 300,
			"TimestampColumn": obj{"ColumnName": "timestamp", "ColumnFormat": "yyyy-MM-dd HH:mm:ss"},
			"Timezone":        "UTC", "MetricSource": obj{"S3SourceConfig": s3}}, obj{"MetricSetArn": r.ms}
	case "CreateAlert":
		return obj{"AlertName": r.detName + "-alert", "AnomalyDetectorArn": r.det, "AlertSensitivityThreshold": 70,
			"Action": obj{"SNSConfiguration": obj{"RoleArn": role,
				"SnsTopicArn": "arn:aws:sns:us-east-1:" + r.account + ":anomaly-alerts"}}}, obj{"AlertArn": r.alert}
	case "GetSampleData":
		return obj{"S3SourceConfig": s3}, nil
	case "DetectMetricSetConfig":
		return obj{"AnomalyDetectorArn": r.det, "AutoDetectionMetricSource": obj{"S3SourceConfig": obj{
			"TemplatedPathList": s3["TemplatedPathList"]}}}, nil
	}
	return nil, nil
}

// params returns the request parameters and response elements of the other operations.
func (r seedResources) params(op string) (params, resp obj) {
	det := obj{"AnomalyDetectorArn": r.det}
	group := obj{"AnomalyDetectorArn": r.det, "AnomalyGroupId": r.group}
	switch op {
	case "UpdateAnomalyDetector":
		return obj{"AnomalyDetectorArn": r.det, "AnomalyDetectorDescription": "Hourly anomalies, reviewed"}, det
	case "UpdateMetricSet":
		return obj{"MetricSetArn": r.ms, "Offset": 600}, obj{"MetricSetArn": r.ms}
	case "UpdateAlert":
		return obj{"AlertArn": r.alert, "AlertSensitivityThreshold": 80}, obj{"AlertArn": r.alert}
	case "DescribeMetricSet":
		return obj{"MetricSetArn": r.ms}, nil
	case "DescribeAlert", "DeleteAlert":
		return obj{"AlertArn": r.alert}, nil
	case "ListAnomalyDetectors":
		return obj{"MaxResults": 25}, nil
	case "ListTagsForResource":
		return obj{"ResourceArn": r.det}, nil
	case "TagResource":
		return obj{"ResourceArn": r.det, "Tags": obj{"cost-center": "cc-4711"}}, nil
	case "UntagResource":
		return obj{"ResourceArn": r.det, "TagKeys": []string{"env"}}, nil
	case "GetAnomalyGroup", "ListAnomalyGroupRelatedMetrics":
		return group, nil
	case "ListAnomalyGroupTimeSeries":
		return obj{"AnomalyDetectorArn": r.det, "AnomalyGroupId": r.group, "MetricName": "revenue"}, nil
	case "ListAnomalyGroupSummaries":
		return obj{"AnomalyDetectorArn": r.det, "SensitivityThreshold": 50}, nil
	case "PutFeedback":
		return obj{"AnomalyDetectorArn": r.det, "AnomalyGroupTimeSeriesFeedback": obj{"AnomalyGroupId": r.group,
			"TimeSeriesId": r.series, "IsAnomaly": true}}, nil
	case "GetFeedback":
		return obj{"AnomalyDetectorArn": r.det, "AnomalyGroupTimeSeriesFeedback": obj{"AnomalyGroupId": r.group}}, nil
	}
	return det, nil
}
