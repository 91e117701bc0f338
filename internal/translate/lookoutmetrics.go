package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// LookoutMetricsEventSource is the eventSource of Lookout for Metrics events.
const LookoutMetricsEventSource = "lookoutmetrics.amazonaws.com"

// lookoutNames are the Lookout for Metrics resources an event names.
type lookoutNames struct {
	detectorARN, detectorName   string
	metricSetARN, metricSetName string
	alertARN, alertName         string
}

// collect takes the first value found for each key of m (the top level of
// requestParameters or responseElements). Keys match ignoring case, so both
// "AnomalyDetectorArn" and "anomalyDetectorArn" count. ResourceArn (the
// tagging calls) is sorted by its ARN's resource type.
func (n *lookoutNames) collect(m pcommon.Map) {
	for k, v := range m.All() {
		if v.Type() != pcommon.ValueTypeStr || v.Str() == "" {
			continue
		}
		if dst := n.slot(k, v.Str()); dst != nil && *dst == "" {
			*dst = v.Str()
		}
	}
}

func (n *lookoutNames) slot(key, value string) *string {
	switch {
	case strings.EqualFold(key, "AnomalyDetectorArn"):
		return &n.detectorARN
	case strings.EqualFold(key, "AnomalyDetectorName"):
		return &n.detectorName
	case strings.EqualFold(key, "MetricSetArn"):
		return &n.metricSetARN
	case strings.EqualFold(key, "MetricSetName"):
		return &n.metricSetName
	case strings.EqualFold(key, "AlertArn"):
		return &n.alertARN
	case strings.EqualFold(key, "AlertName"):
		return &n.alertName
	case strings.EqualFold(key, "ResourceArn"):
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
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "lookoutmetrics" {
		return "", "", ""
	}
	res := parts[5]
	for _, k := range []string{"AnomalyDetector", "Alert"} {
		if rest, ok := strings.CutPrefix(res, k+":"); ok && rest != "" {
			return k, rest, ""
		}
	}
	if rest, ok := strings.CutPrefix(res, "MetricSet/"); ok {
		if detector, set, ok := strings.Cut(rest, "/"); ok && detector != "" && set != "" {
			return "MetricSet", detector, set
		}
	}
	return "", "", ""
}

func (n *lookoutNames) put(attrs pcommon.Map) {
	for _, kv := range [...]struct{ name, value string }{
		{AttrLookoutMetricsDetectorARN, n.detectorARN},
		{AttrLookoutMetricsDetectorName, n.detectorName},
		{AttrLookoutMetricsMetricSetARN, n.metricSetARN},
		{AttrLookoutMetricsMetricSetName, n.metricSetName},
		{AttrLookoutMetricsAlertARN, n.alertARN},
		{AttrLookoutMetricsAlertName, n.alertName},
	} {
		if kv.value != "" {
			attrs.PutStr(kv.name, kv.value)
		}
	}
}
