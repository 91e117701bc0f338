// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"strings"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// LookoutMetricsEventSource is the eventSource of Lookout for Metrics events.
const LookoutMetricsEventSource = "lookoutmetrics.amazonaws.com"

// lookoutNames are the Lookout for Metrics resources an event names.
type lookoutNames struct {
	detectorARN, detectorName   string
	metricSetARN, metricSetName string
	alertARN, alertName         string
}

// collectLookout takes the first value found for each key of the object at
// token obj (the top level of requestParameters or responseElements). Keys
// match ignoring case, so both "AnomalyDetectorArn" and "anomalyDetectorArn"
// count. ResourceArn (the tagging calls) is sorted by its ARN's resource
// type.
func (t *recordTranslator) collectLookout(n *lookoutNames, obj int) {
	p := t.p
	for _, m := range p.Members(obj) {
		if m.Val == cjson.NoValue || p.Tape[m.Val].Kind != cjson.String {
			continue
		}
		v := p.Str(m.Val)
		if v == "" {
			continue
		}
		if dst := n.slot(m.Key, m.ASCII, v); dst != nil && *dst == "" {
			*dst = v
		}
	}
}

func (n *lookoutNames) slot(key string, ascii bool, value string) *string {
	switch {
	case cjson.FoldEqual(key, ascii, "AnomalyDetectorArn"):
		return &n.detectorARN
	case cjson.FoldEqual(key, ascii, "AnomalyDetectorName"):
		return &n.detectorName
	case cjson.FoldEqual(key, ascii, "MetricSetArn"):
		return &n.metricSetARN
	case cjson.FoldEqual(key, ascii, "MetricSetName"):
		return &n.metricSetName
	case cjson.FoldEqual(key, ascii, "AlertArn"):
		return &n.alertARN
	case cjson.FoldEqual(key, ascii, "AlertName"):
		return &n.alertName
	case cjson.FoldEqual(key, ascii, "ResourceArn"):
		switch kind, _, _ := parseLookoutARN(value); kind {
		case "AnomalyDetector":
			return &n.detectorARN
		case "MetricSet":
			return &n.metricSetARN
		case "Alert":
			return &n.alertARN
		}
	}
	return nil
}

// deriveNames fills names missing from the event from the ARNs it has. A
// metric set ARN also names its anomaly detector.
func (n *lookoutNames) deriveNames() {
	if kind, name, _ := parseLookoutARN(n.detectorARN); kind == "AnomalyDetector" && n.detectorName == "" {
		n.detectorName = name
	}
	if kind, detector, set := parseLookoutARN(n.metricSetARN); kind == "MetricSet" {
		if n.metricSetName == "" {
			n.metricSetName = set
		}
		if n.detectorName == "" {
			n.detectorName = detector
		}
	}
	if kind, name, _ := parseLookoutARN(n.alertARN); kind == "Alert" && n.alertName == "" {
		n.alertName = name
	}
}

// parseLookoutARN splits a Lookout for Metrics ARN. The resource forms, per
// the Service Authorization Reference, are
//
//	arn:${Partition}:lookoutmetrics:${Region}:${Account}:AnomalyDetector:${AnomalyDetectorName}
//	arn:${Partition}:lookoutmetrics:${Region}:${Account}:MetricSet/${AnomalyDetectorName}/${MetricSetName}
//	arn:${Partition}:lookoutmetrics:${Region}:${Account}:Alert:${AlertName}
//
// For AnomalyDetector and Alert, name is the resource name and second is "";
// for MetricSet, name is the detector and second the metric set. kind is ""
// for anything else.
func parseLookoutARN(arn string) (kind, name, second string) {
	// arn:partition:service:region:account:resource, as strings.SplitN(arn, ":", 6).
	var parts [5]string
	res := arn
	for k := range parts {
		var ok bool
		if parts[k], res, ok = strings.Cut(res, ":"); !ok {
			return "", "", ""
		}
	}
	if parts[0] != "arn" || parts[2] != "lookoutmetrics" {
		return "", "", ""
	}
	if rest, ok := strings.CutPrefix(res, "AnomalyDetector:"); ok && rest != "" {
		return "AnomalyDetector", rest, ""
	}
	if rest, ok := strings.CutPrefix(res, "Alert:"); ok && rest != "" {
		return "Alert", rest, ""
	}
	if rest, ok := strings.CutPrefix(res, "MetricSet/"); ok {
		if detector, set, ok := strings.Cut(rest, "/"); ok && detector != "" && set != "" {
			return "MetricSet", detector, set
		}
	}
	return "", "", ""
}

func (n *lookoutNames) put(t *recordTranslator) {
	for _, kv := range [...]struct{ name, value string }{
		{AttrLookoutMetricsDetectorARN, n.detectorARN},
		{AttrLookoutMetricsDetectorName, n.detectorName},
		{AttrLookoutMetricsMetricSetARN, n.metricSetARN},
		{AttrLookoutMetricsMetricSetName, n.metricSetName},
		{AttrLookoutMetricsAlertARN, n.alertARN},
		{AttrLookoutMetricsAlertName, n.alertName},
	} {
		if kv.value != "" {
			t.putStr(kv.name, kv.value)
		}
	}
}
