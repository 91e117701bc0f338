// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package candidates

// The record shapes of internal/translate/bench_test.go (benchEventTime, benchID,
// lookoutWriteRecord), copied: a test file of another package cannot be imported.

import (
	"encoding/json"
	"fmt"
	"time"
)

func benchEventTime(i int) string {
	return time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * 1700 * time.Millisecond).Format(time.RFC3339)
}

func benchID(prefix string, i int) string {
	return fmt.Sprintf("%08x-%04x-4a5b-9c3d-%012x", len(prefix), i%0xffff, i)
}

// CreateMetricSet request, in the API's member order, so encoding/json
// writes it as AWS would.
type (
	benchMetric struct {
		MetricName          string
		AggregationFunction string
		Namespace           string
		Precision           int
		Weight              float64
	}
	benchFilter struct {
		DimensionValue  string
		FilterOperation string
	}
	benchDimensionFilter struct {
		Name       string
		FilterList []benchFilter
	}
	benchCSV struct {
		FileCompression string
		Charset         string
		ContainsHeader  bool
		Delimiter       string
		HeaderList      []string
		QuoteSymbol     string
	}
	benchS3Source struct {
		RoleArn                string
		TemplatedPathList      []string
		HistoricalDataPathList []string
		FileFormatDescriptor   struct{ CsvFormatDescriptor benchCSV }
	}
	benchCreateMetricSet struct {
		AnomalyDetectorArn   string
		MetricSetName        string
		MetricSetDescription string
		MetricList           []benchMetric
		Offset               int
		TimestampColumn      struct{ ColumnName, ColumnFormat string }
		DimensionList        []string
		MetricSetFrequency   string
		MetricSource         struct{ S3SourceConfig benchS3Source }
		Timezone             string
		Tags                 map[string]string
		DimensionFilterList  []benchDimensionFilter
	}
)

// lookoutWriteRecord is a CreateMetricSet call whose requestParameters is
// about size bytes of nested objects, arrays, strings (a few with escapes
// and non-ASCII text), numbers and bools.
func lookoutWriteRecord(i int, region, account string, size int) string {
	det := "arn:aws:lookoutmetrics:" + region + ":" + account + ":AnomalyDetector:revenue-detector"
	p := benchCreateMetricSet{
		AnomalyDetectorArn: det, MetricSetName: "revenue-by-region",
		MetricSetDescription: "Revenue per \"region\" and product — 5 minute buckets\nowner: finance",
		Offset:               300, MetricSetFrequency: "PT5M", Timezone: "UTC",
		Tags: map[string]string{"team": "finance", "cost-center": "cc-1234", "env": "prod"},
	}
	p.TimestampColumn.ColumnName, p.TimestampColumn.ColumnFormat = "ts", "yyyy-MM-dd HH:mm:ss"
	s3 := &p.MetricSource.S3SourceConfig
	s3.RoleArn = "arn:aws:iam::" + account + ":role/LookoutMetricsS3Access"
	s3.TemplatedPathList = []string{"s3://revenue-" + account + "/live/{{yyyyMMdd}}/{{HHmm}}"}
	s3.FileFormatDescriptor.CsvFormatDescriptor = benchCSV{
		FileCompression: "NONE", Charset: "UTF-8", ContainsHeader: true, Delimiter: ",", QuoteSymbol: `"`,
	}
	csv := &s3.FileFormatDescriptor.CsvFormatDescriptor
	for n := 0; ; n++ {
		metric := fmt.Sprintf("revenue_%s_%04d", []string{"eur", "usd", "gbp", "jpy"}[n%4], n)
		p.MetricList = append(p.MetricList, benchMetric{
			MetricName: metric, AggregationFunction: []string{"SUM", "AVG"}[n%2],
			Namespace: "Custom/Revenue", Precision: 2 + n%3, Weight: 0.25 + float64(n%7)/8,
		})
		csv.HeaderList = append(csv.HeaderList, metric)
		dim := fmt.Sprintf("dim_%03d", n)
		p.DimensionList = append(p.DimensionList, dim)
		s3.HistoricalDataPathList = append(s3.HistoricalDataPathList,
			fmt.Sprintf("s3://revenue-%s/history/2026/%02d/%02d/part-%05d.csv", account, 1+n%12, 1+n%28, n))
		p.DimensionFilterList = append(p.DimensionFilterList, benchDimensionFilter{
			Name: dim, FilterList: []benchFilter{
				{DimensionValue: fmt.Sprintf("eu-west-%d", n%3), FilterOperation: "EQUALS"},
				{DimensionValue: fmt.Sprintf("Zürich-%d", n), FilterOperation: "EQUALS"},
			},
		})
		if b, _ := json.Marshal(p); len(b) >= size {
			break
		}
	}
	params, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	metricSet := "arn:aws:lookoutmetrics:" + region + ":" + account + ":MetricSet/revenue-detector/revenue-by-region"
	return `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:pipeline",` +
		`"arn":"arn:aws:sts::` + account + `:assumed-role/LookoutAdmin/pipeline","accountId":"` + account + `",` +
		`"accessKeyId":"ASIAIOSFODNN7EXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role",` +
		`"principalId":"AROAEXAMPLEROLEID","arn":"arn:aws:iam::` + account + `:role/LookoutAdmin",` +
		`"accountId":"` + account + `","userName":"LookoutAdmin"},"webIdFederationData":{},` +
		`"attributes":{"creationDate":"2026-11-01T09:00:00Z","mfaAuthenticated":"false"}}},` +
		`"eventTime":"` + benchEventTime(i) + `","eventSource":"lookoutmetrics.amazonaws.com",` +
		`"eventName":"CreateMetricSet","awsRegion":"` + region + `","sourceIPAddress":"10.0.12.7",` +
		`"userAgent":"Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.215 md/arch#x86_64 lang/python#3.12.3 cfg/retry-mode#legacy Botocore/1.34.84",` +
		`"requestParameters":` + string(params) + `,"responseElements":{"MetricSetArn":"` + metricSet + `"},` +
		`"requestID":"` + benchID("req", i) + `","eventID":"` + benchID("event", i) + `",` +
		`"readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"` + account + `",` +
		`"eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256",` +
		`"clientProvidedHostHeader":"lookoutmetrics.` + region + `.amazonaws.com"}}`
}
