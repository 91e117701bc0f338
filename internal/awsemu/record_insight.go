// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"time"
)

type ctInsightRecord struct {
	EventVersion       string           `json:"eventVersion"`
	EventTime          string           `json:"eventTime"`
	AWSRegion          string           `json:"awsRegion"`
	EventID            string           `json:"eventID"`
	EventType          string           `json:"eventType"`
	RecipientAccountID string           `json:"recipientAccountId"`
	SharedEventID      string           `json:"sharedEventID"`
	InsightDetails     ctInsightDetails `json:"insightDetails"`
	EventCategory      string           `json:"eventCategory"`
}

type ctInsightDetails struct {
	State          string         `json:"state"`
	EventSource    string         `json:"eventSource"`
	EventName      string         `json:"eventName"`
	InsightType    string         `json:"insightType"`
	InsightContext map[string]any `json:"insightContext"`
}

// NewInsightRecord returns a CloudTrail Insights event (an ApiCallRateInsight "Start"
// record about spec.EventSource/spec.EventName). LookupEvents returns it only for
// EventCategory "insight". Identity fields of spec are ignored.
func NewInsightRecord(spec RecordSpec) Event {
	spec = spec.withDefaults()
	rec := ctInsightRecord{
		EventVersion:       "1.08",
		EventTime:          spec.EventTime.Format(time.RFC3339),
		AWSRegion:          spec.Region,
		EventID:            spec.EventID,
		EventType:          "AwsCloudTrailInsight",
		RecipientAccountID: spec.Account,
		SharedEventID:      spec.RequestID,
		InsightDetails: ctInsightDetails{
			State: "Start", EventSource: spec.EventSource, EventName: spec.EventName,
			InsightType: "ApiCallRateInsight",
			InsightContext: map[string]any{"statistics": map[string]any{
				"baseline": map[string]any{"average": 0.0035},
				"insight":  map[string]any{"average": 2.0},
			}},
		},
		EventCategory: "Insight",
	}
	body, _ := json.Marshal(rec)
	ev := spec.event(string(body))
	ev.Username, ev.AccessKeyID, ev.RequestID, ev.Resources = "", "", "", nil
	ev.Insight = true
	return ev
}
