// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"errors"
	"time"
)

// JSONDuration is a time.Duration that JSON carries as a Go duration string ("250ms"),
// or as integer nanoseconds.
type JSONDuration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d JSONDuration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a Go duration string or integer nanoseconds.
func (d *JSONDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		*d = JSONDuration(v)
		return err
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("a duration is a string such as \"250ms\" or integer nanoseconds")
	}
	*d = JSONDuration(n)
	return nil
}

// faultsJSON is Faults as the admin API reads and writes it.
type faultsJSON struct {
	ErrorRate         float64      `json:"errorRate"`
	Latency           JSONDuration `json:"latency"`
	ThrottleStorm     bool         `json:"throttleStorm"`
	ThrottleStormFor  JSONDuration `json:"throttleStormFor"`
	MalformedRate     float64      `json:"malformedRate"`
	InvalidateTokens  bool         `json:"invalidateTokens"`
	TruncateResponses bool         `json:"truncateResponses"`
	LateDeliveryRate  float64      `json:"lateDeliveryRate"`
	LateDeliveryExtra JSONDuration `json:"lateDeliveryExtra"`
}

func faultsDoc(f Faults) faultsJSON {
	return faultsJSON{ErrorRate: f.ErrorRate, Latency: JSONDuration(f.Latency), ThrottleStorm: f.ThrottleStorm,
		ThrottleStormFor: JSONDuration(f.ThrottleStormFor), MalformedRate: f.MalformedRate,
		InvalidateTokens: f.InvalidateTokens, TruncateResponses: f.TruncateResponses,
		LateDeliveryRate: f.LateDeliveryRate, LateDeliveryExtra: JSONDuration(f.LateDeliveryExtra)}
}

func (d faultsJSON) faults() Faults {
	return Faults{ErrorRate: d.ErrorRate, Latency: time.Duration(d.Latency), ThrottleStorm: d.ThrottleStorm,
		ThrottleStormFor: time.Duration(d.ThrottleStormFor), MalformedRate: d.MalformedRate,
		InvalidateTokens: d.InvalidateTokens, TruncateResponses: d.TruncateResponses,
		LateDeliveryRate: d.LateDeliveryRate, LateDeliveryExtra: time.Duration(d.LateDeliveryExtra)}
}
