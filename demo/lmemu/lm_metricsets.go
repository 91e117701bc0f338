// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

type metricSetInput struct {
	AnomalyDetectorArn   *string
	MetricSetArn         *string
	MetricSetName        *string
	MetricSetDescription *string
	MetricList           json.RawMessage
	Offset               *int
	TimestampColumn      json.RawMessage
	DimensionList        json.RawMessage
	MetricSetFrequency   *string
	MetricSource         json.RawMessage
	Timezone             *string
	Tags                 map[string]string
	DimensionFilterList  json.RawMessage
	MaxResults           *int
	NextToken            *string
}

type metricSetDescription struct {
	MetricSetArn         string
	AnomalyDetectorArn   string
	MetricSetName        string
	MetricSetDescription string `json:",omitempty"`
	CreationTime         float64
	LastModificationTime float64
	Offset               int
	MetricList           json.RawMessage
	TimestampColumn      json.RawMessage `json:",omitempty"`
	DimensionList        json.RawMessage `json:",omitempty"`
	MetricSetFrequency   string          `json:",omitempty"`
	Timezone             string          `json:",omitempty"`
	MetricSource         json.RawMessage
	DimensionFilterList  json.RawMessage `json:",omitempty"`
}

type metricSetSummary struct {
	MetricSetArn         string
	AnomalyDetectorArn   string
	MetricSetDescription string `json:",omitempty"`
	MetricSetName        string
	CreationTime         float64
	LastModificationTime float64
	Tags                 map[string]string `json:",omitempty"`
}

var metricSources = []string{"S3SourceConfig", "AppFlowConfig", "CloudWatchConfig", "RDSSourceConfig",
	"RedshiftSourceConfig", "AthenaSourceConfig"}

func (st *lmRegion) createMetricSet(c *lmCall) (any, *apiError) {
	var in metricSetInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	detArn, e := checkARN("AnomalyDetectorArn", in.AnomalyDetectorArn)
	if e != nil {
		return nil, e
	}
	name, e := checkName("MetricSetName", in.MetricSetName)
	if e != nil {
		return nil, e
	}
	if e := firstError(checkMetricList(in.MetricList, true), checkMetricSource(in.MetricSource, true),
		checkMetricSetOptions(&in), checkTags(in.Tags)); e != nil {
		return nil, e
	}
	d, e := st.detector(detArn)
	if e != nil {
		return nil, e
	}
	arn := st.metricSetARN(d.name, name)
	if _, ok := st.metricSets[arn]; ok {
		return nil, conflict("MetricSet", arn, "A metric set named "+name+" already exists.")
	}
	if st.metricSetOf(detArn) != nil {
		return nil, quotaExceeded("MetricSet", arn, "The anomaly detector "+d.name+" already has a metric set.")
	}
	m := &lmMetricSet{arn: arn, detectorArn: detArn, name: name, created: c.now, tags: maps.Clone(in.Tags),
		frequency: d.frequency}
	m.apply(&in, c)
	st.metricSets[arn] = m
	return map[string]string{"MetricSetArn": arn}, nil
}

// apply sets the metric set's configurable members that in carries.
func (m *lmMetricSet) apply(in *metricSetInput, c *lmCall) {
	set := func(dst *json.RawMessage, src json.RawMessage) {
		if len(src) > 0 {
			*dst = src
		}
	}
	set(&m.metricList, in.MetricList)
	set(&m.timestampColumn, in.TimestampColumn)
	set(&m.dimensionList, in.DimensionList)
	set(&m.metricSource, in.MetricSource)
	set(&m.dimensionFilterList, in.DimensionFilterList)
	if in.MetricSetDescription != nil {
		m.description = *in.MetricSetDescription
	}
	if in.Offset != nil {
		m.offset = *in.Offset
	}
	if in.MetricSetFrequency != nil {
		m.frequency = *in.MetricSetFrequency
	}
	if in.Timezone != nil {
		m.timezone = *in.Timezone
	}
	m.modified = c.now
}

func checkMetricSetOptions(in *metricSetInput) *apiError {
	return firstError(checkRange("Offset", in.Offset, 0, 432000),
		checkFrequency("MetricSetFrequency", in.MetricSetFrequency),
		checkDescription("MetricSetDescription", in.MetricSetDescription))
}

// checkMetricList validates MetricList: at least one metric, each named, with an
// AVG or SUM aggregation.
func checkMetricList(raw json.RawMessage, needed bool) *apiError {
	if len(raw) == 0 {
		if needed {
			return required("MetricList")
		}
		return nil
	}
	var list []struct{ MetricName, AggregationFunction *string }
	if err := json.Unmarshal(raw, &list); err != nil {
		return cannotParse(err)
	}
	if len(list) == 0 {
		return validationError("MetricList", "Member must have length greater than or equal to 1", "[]")
	}
	for _, m := range list {
		if m.MetricName == nil || *m.MetricName == "" {
			return required("MetricName")
		}
		if m.AggregationFunction == nil || (*m.AggregationFunction != "AVG" && *m.AggregationFunction != "SUM") {
			return validationError("AggregationFunction", "Member must satisfy enum value set: [AVG, SUM]",
				deref(m.AggregationFunction))
		}
	}
	return nil
}

// checkMetricSource validates MetricSource: exactly one source configuration.
func checkMetricSource(raw json.RawMessage, needed bool) *apiError {
	if len(raw) == 0 {
		if needed {
			return required("MetricSource")
		}
		return nil
	}
	var src map[string]json.RawMessage
	if err := json.Unmarshal(raw, &src); err != nil {
		return cannotParse(err)
	}
	if len(src) != 1 || !slices.Contains(metricSources, slices.Collect(maps.Keys(src))[0]) {
		return invalid("MetricSource must have exactly one of " + strings.Join(metricSources, ", ") + ".")
	}
	return nil
}

func (st *lmRegion) describeMetricSet(c *lmCall) (any, *apiError) {
	_, m, e := st.metricSetCall(c)
	if e != nil {
		return nil, e
	}
	return metricSetDescription{MetricSetArn: m.arn, AnomalyDetectorArn: m.detectorArn, MetricSetName: m.name,
		MetricSetDescription: m.description, CreationTime: epoch(m.created),
		LastModificationTime: epoch(m.modified), Offset: m.offset, MetricList: m.metricList,
		TimestampColumn: m.timestampColumn, DimensionList: m.dimensionList, MetricSetFrequency: m.frequency,
		Timezone: m.timezone, MetricSource: m.metricSource, DimensionFilterList: m.dimensionFilterList}, nil
}

// metricSetCall decodes a call naming an existing metric set by MetricSetArn.
func (st *lmRegion) metricSetCall(c *lmCall) (*metricSetInput, *lmMetricSet, *apiError) {
	var in metricSetInput
	if e := decode(c, &in); e != nil {
		return nil, nil, e
	}
	arn, e := checkARN("MetricSetArn", in.MetricSetArn)
	if e != nil {
		return nil, nil, e
	}
	m, e := st.metricSet(arn)
	return &in, m, e
}

func (st *lmRegion) updateMetricSet(c *lmCall) (any, *apiError) {
	in, m, e := st.metricSetCall(c)
	if e != nil {
		return nil, e
	}
	if e := firstError(checkMetricList(in.MetricList, false), checkMetricSource(in.MetricSource, false),
		checkMetricSetOptions(in)); e != nil {
		return nil, e
	}
	m.apply(in, c)
	return map[string]string{"MetricSetArn": m.arn}, nil
}

func (st *lmRegion) listMetricSets(c *lmCall) (any, *apiError) {
	var in metricSetInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	if in.AnomalyDetectorArn != nil {
		if _, e := st.detector(*in.AnomalyDetectorArn); e != nil {
			return nil, e
		}
	}
	var all []*lmMetricSet
	for _, m := range sortedValues(st.metricSets) {
		if in.AnomalyDetectorArn == nil || m.detectorArn == *in.AnomalyDetectorArn {
			all = append(all, m)
		}
	}
	items, next, e := page(all, in.MaxResults, in.NextToken)
	if e != nil {
		return nil, e
	}
	list := make([]metricSetSummary, len(items))
	for i, m := range items {
		list[i] = metricSetSummary{MetricSetArn: m.arn, AnomalyDetectorArn: m.detectorArn,
			MetricSetDescription: m.description, MetricSetName: m.name, CreationTime: epoch(m.created),
			LastModificationTime: epoch(m.modified), Tags: maps.Clone(m.tags)}
	}
	return listOutput("MetricSetSummaryList", list, next), nil
}
