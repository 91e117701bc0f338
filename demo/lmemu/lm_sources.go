// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"time"
)

// sampleHeader is the header row of the emulator's sample data source.
var sampleHeader = []string{"timestamp", "region", "platform", "revenue", "orders"}

type sourceInput struct {
	AnomalyDetectorArn        *string
	AutoDetectionMetricSource *struct {
		S3SourceConfig json.RawMessage
	}
	S3SourceConfig *struct {
		RoleArn              *string
		FileFormatDescriptor json.RawMessage
	}
}

// detected is a DetectedField with a HIGH confidence.
func detected(value map[string]any) map[string]any {
	return map[string]any{"Value": value, "Confidence": "HIGH"}
}

func (st *lmRegion) detectMetricSetConfig(c *lmCall) (any, *apiError) {
	var in sourceInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	arn, e := checkARN("AnomalyDetectorArn", in.AnomalyDetectorArn)
	if e != nil {
		return nil, e
	}
	if in.AutoDetectionMetricSource == nil || len(in.AutoDetectionMetricSource.S3SourceConfig) == 0 {
		return nil, required("AutoDetectionMetricSource")
	}
	d, e := st.detector(arn)
	if e != nil {
		return nil, e
	}
	csv := map[string]any{
		"FileCompression": detected(map[string]any{"S": "NONE"}),
		"Charset":         detected(map[string]any{"S": "UTF-8"}),
		"ContainsHeader":  detected(map[string]any{"S": "true"}),
		"Delimiter":       detected(map[string]any{"S": ","}),
		"HeaderList":      detected(map[string]any{"SS": sampleHeader}),
		"QuoteSymbol":     detected(map[string]any{"S": "\""}),
	}
	return map[string]any{"DetectedMetricSetConfig": map[string]any{
		"Offset":             detected(map[string]any{"N": "0"}),
		"MetricSetFrequency": detected(map[string]any{"S": d.frequency}),
		"MetricSource": map[string]any{"S3SourceConfig": map[string]any{
			"FileFormatDescriptor": map[string]any{"CsvFormatDescriptor": csv}}},
	}}, nil
}

func (st *lmRegion) getSampleData(c *lmCall) (any, *apiError) {
	var in sourceInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	if in.S3SourceConfig == nil {
		return nil, required("S3SourceConfig")
	}
	if _, e := checkARN("RoleArn", in.S3SourceConfig.RoleArn); e != nil {
		return nil, e
	}
	if len(in.S3SourceConfig.FileFormatDescriptor) == 0 {
		return nil, required("FileFormatDescriptor")
	}
	day := c.now.UTC().Truncate(24 * time.Hour).Format("2006-01-02")
	return map[string]any{"HeaderValues": sampleHeader, "SampleRows": [][]string{
		{day + " 00:00:00", "us-east-1", "web", "1843.20", "97"},
		{day + " 00:00:00", "eu-west-1", "ios", "912.75", "51"},
		{day + " 01:00:00", "us-east-1", "web", "1711.05", "88"},
	}}, nil
}
