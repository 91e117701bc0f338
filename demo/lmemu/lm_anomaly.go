// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"time"
)

// lmGroup is an anomaly group a detector "found" when first activated or back
// tested: a small, deterministic set derived from the detector and its metric set.
type lmGroup struct {
	id         string
	score      float64
	metric     string
	start, end time.Time
	dimension  string
	series     []lmSeries
}

type lmSeries struct {
	id     string
	value  string // the dimension's value
	values []float64
}

type feedbackInput struct {
	AnomalyGroupId, TimeSeriesId *string
	IsAnomaly                    *bool
}

type anomalyInput struct {
	AnomalyDetectorArn             *string
	AnomalyGroupId                 *string
	SensitivityThreshold           *int
	MetricName                     *string
	RelationshipTypeFilter         *string
	AnomalyGroupTimeSeriesFeedback *feedbackInput
	MaxResults                     *int
	NextToken                      *string
}

// makeGroups returns the anomaly groups of a detector with metric set m.
func makeGroups(d *lmDetector, m *lmMetricSet, now time.Time) []lmGroup {
	var metrics []struct{ MetricName string }
	_ = json.Unmarshal(m.metricList, &metrics)
	var dims []string
	_ = json.Unmarshal(m.dimensionList, &dims)
	if len(metrics) == 0 {
		metrics = append(metrics, struct{ MetricName string }{"value"})
	}
	if len(dims) == 0 {
		dims = []string{"region"}
	}
	interval := frequencyDuration(d.frequency)
	groups := make([]lmGroup, 2)
	for i := range groups {
		g := lmGroup{id: hashUUID(d.arn, fmt.Sprint(i)), score: []float64{87.5, 41.25}[i],
			metric: metrics[i%len(metrics)].MetricName, dimension: dims[0],
			end: now.Add(-time.Duration(i+1) * interval).Truncate(interval)}
		g.start = g.end.Add(-2 * interval)
		for j, v := range []string{"us-east-1", "eu-west-1"} {
			g.series = append(g.series, lmSeries{id: hashUUID(g.id, v)[:8] + hashUUID(v, g.id)[24:],
				value: v, values: []float64{100 + float64(j), 180.5 - float64(i*40), 99.5}})
		}
		groups[i] = g
	}
	return groups
}

// hashUUID returns a UUID-shaped stable hash of parts.
func hashUUID(parts ...string) string {
	h := fnv.New128a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	b := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// groupCall decodes a call naming an existing detector and, when group is true, one of
// its anomaly groups by AnomalyGroupId.
func (st *lmRegion) groupCall(c *lmCall, group bool) (*anomalyInput, *lmDetector, *lmGroup, *apiError) {
	var in anomalyInput
	if e := decode(c, &in); e != nil {
		return nil, nil, nil, e
	}
	arn, e := checkARN("AnomalyDetectorArn", in.AnomalyDetectorArn)
	if e != nil {
		return nil, nil, nil, e
	}
	d, e := st.detector(arn)
	if e != nil || !group {
		return &in, d, nil, e
	}
	id := in.AnomalyGroupId
	if fb := in.AnomalyGroupTimeSeriesFeedback; id == nil && fb != nil {
		id = fb.AnomalyGroupId
	}
	if id == nil {
		return nil, nil, nil, required("AnomalyGroupId")
	}
	for i := range d.groups {
		if d.groups[i].id == *id {
			return &in, d, &d.groups[i], nil
		}
	}
	return nil, nil, nil, notFound("AnomalyGroup", *id)
}

func (st *lmRegion) getAnomalyGroup(c *lmCall) (any, *apiError) {
	_, _, g, e := st.groupCall(c, true)
	if e != nil {
		return nil, e
	}
	values := make([]map[string]any, len(g.series))
	for i, s := range g.series {
		values[i] = map[string]any{"DimensionValue": s.value, "ContributionScore": 100 / float64(len(g.series))}
	}
	impact := map[string]any{"MetricName": g.metric, "NumTimeSeries": len(g.series),
		"ContributionMatrix": map[string]any{"DimensionContributionList": []map[string]any{
			{"DimensionName": g.dimension, "DimensionValueContributionList": values}}}}
	return map[string]any{"AnomalyGroup": map[string]any{"StartTime": isoTime(g.start), "EndTime": isoTime(g.end),
		"AnomalyGroupId": g.id, "AnomalyGroupScore": g.score, "PrimaryMetricName": g.metric,
		"MetricLevelImpactList": []any{impact}}}, nil
}

func (st *lmRegion) listGroupSummaries(c *lmCall) (any, *apiError) {
	in, d, _, e := st.groupCall(c, false)
	if e != nil {
		return nil, e
	}
	if in.SensitivityThreshold == nil {
		return nil, required("SensitivityThreshold")
	}
	if e := checkRange("SensitivityThreshold", in.SensitivityThreshold, 0, 100); e != nil {
		return nil, e
	}
	var hits []map[string]any
	counts := map[string]int{}
	for _, g := range d.groups {
		if g.score >= float64(*in.SensitivityThreshold) {
			counts[g.metric]++
			hits = append(hits, map[string]any{"StartTime": isoTime(g.start), "EndTime": isoTime(g.end),
				"AnomalyGroupId": g.id, "AnomalyGroupScore": g.score, "PrimaryMetricName": g.metric})
		}
	}
	items, next, e := page(hits, in.MaxResults, in.NextToken)
	if e != nil {
		return nil, e
	}
	stats := map[string]any{"TotalCount": len(hits), "ItemizedMetricStatsList": itemized(counts)}
	if !d.activatedAt.IsZero() {
		stats["EvaluationStartDate"] = isoTime(d.activatedAt)
	}
	out := listOutput("AnomalyGroupSummaryList", nonNil(items), next)
	out["AnomalyGroupStatistics"] = stats
	return out, nil
}

func itemized(counts map[string]int) []map[string]any {
	out := []map[string]any{}
	for _, metric := range sortedKeys(counts) {
		out = append(out, map[string]any{"MetricName": metric, "OccurrenceCount": counts[metric]})
	}
	return out
}

func (st *lmRegion) listGroupTimeSeries(c *lmCall) (any, *apiError) {
	in, d, g, e := st.groupCall(c, true)
	if e != nil {
		return nil, e
	}
	if in.MetricName == nil {
		return nil, required("MetricName")
	}
	var series []map[string]any
	if *in.MetricName == g.metric {
		for _, s := range g.series {
			series = append(series, map[string]any{"TimeSeriesId": s.id, "MetricValueList": s.values,
				"DimensionList": []map[string]string{{"DimensionName": g.dimension, "DimensionValue": s.value}}})
		}
	}
	items, next, e := page(series, in.MaxResults, in.NextToken)
	if e != nil {
		return nil, e
	}
	var stamps []string
	for t := g.start; !t.After(g.end); t = t.Add(frequencyDuration(d.frequency)) {
		stamps = append(stamps, isoTime(t))
	}
	out := listOutput("TimeSeriesList", nonNil(items), next)
	out["AnomalyGroupId"], out["MetricName"], out["TimestampList"] = g.id, *in.MetricName, stamps
	return out, nil
}

func (st *lmRegion) listRelatedMetrics(c *lmCall) (any, *apiError) {
	in, d, g, e := st.groupCall(c, true)
	if e != nil {
		return nil, e
	}
	var related []map[string]any
	for _, o := range d.groups {
		rel := "EFFECT_OF_INPUT_ANOMALY_GROUP"
		if o.score > g.score {
			rel = "CAUSE_OF_INPUT_ANOMALY_GROUP"
		}
		if o.id == g.id || (in.RelationshipTypeFilter != nil && *in.RelationshipTypeFilter != rel) {
			continue
		}
		related = append(related, map[string]any{"AnomalyGroupId": o.id, "MetricName": o.metric,
			"RelationshipType": rel, "ContributionPercentage": 64.0})
	}
	items, next, e := page(related, in.MaxResults, in.NextToken)
	if e != nil {
		return nil, e
	}
	return listOutput("InterMetricImpactList", nonNil(items), next), nil
}

func (st *lmRegion) putFeedback(c *lmCall) (any, *apiError) {
	in, d, g, e := st.groupCall(c, true)
	if e != nil {
		return nil, e
	}
	fb := in.AnomalyGroupTimeSeriesFeedback
	if fb == nil || fb.TimeSeriesId == nil || fb.IsAnomaly == nil {
		return nil, required("AnomalyGroupTimeSeriesFeedback")
	}
	if !slices.ContainsFunc(g.series, func(s lmSeries) bool { return s.id == *fb.TimeSeriesId }) {
		return nil, notFound("TimeSeries", *fb.TimeSeriesId)
	}
	if d.feedback == nil {
		d.feedback = map[string]map[string]bool{}
	}
	if d.feedback[g.id] == nil {
		d.feedback[g.id] = map[string]bool{}
	}
	d.feedback[g.id][*fb.TimeSeriesId] = *fb.IsAnomaly
	return struct{}{}, nil
}

func (st *lmRegion) getFeedback(c *lmCall) (any, *apiError) {
	in, d, g, e := st.groupCall(c, true)
	if e != nil {
		return nil, e
	}
	var want *string
	if fb := in.AnomalyGroupTimeSeriesFeedback; fb != nil {
		want = fb.TimeSeriesId
	}
	var list []map[string]any
	for _, ts := range sortedKeys(d.feedback[g.id]) {
		if want == nil || *want == ts {
			list = append(list, map[string]any{"TimeSeriesId": ts, "IsAnomaly": d.feedback[g.id][ts]})
		}
	}
	items, next, e := page(list, in.MaxResults, in.NextToken)
	if e != nil {
		return nil, e
	}
	return listOutput("AnomalyGroupTimeSeriesFeedback", nonNil(items), next), nil
}

// nonNil makes a nil list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
