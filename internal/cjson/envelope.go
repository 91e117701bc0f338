// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"errors"
	"fmt"
)

// EnvelopeDetail returns the `detail` object of an EventBridge event (the envelope
// {"version":..,"id":..,"detail-type":..,"source":..,..,"detail":{...}}), which for
// CloudTrail events is the CloudTrail record. detail is a sub-slice of raw, byte for byte
// as it is there. The envelope must be one well-formed JSON object; its detail key is
// found as the translator finds keys (the last of repeated keys; exactly, else ignoring
// case) and its value must be an object.
func EnvelopeDetail(raw []byte) (detail []byte, err error) {
	var p Parser
	if err := p.Parse(string(raw)); err != nil {
		return nil, fmt.Errorf("EventBridge event: %w", err)
	}
	ms := p.Members(0)
	val := NoValue
	for _, m := range ms {
		if m.Key == "detail" {
			val = m.Val
			break
		}
	}
	if val == NoValue {
		for _, m := range ms {
			if FoldEqual(m.Key, m.ASCII, "detail") {
				val = m.Val
				break
			}
		}
	}
	if val == NoValue {
		return nil, errors.New("EventBridge event: no detail")
	}
	if t := &p.Tape[val]; t.Kind != Object {
		return nil, errors.New("EventBridge event: detail is not a JSON object")
	}
	t := &p.Tape[val]
	return raw[t.Start:t.TextEnd:t.TextEnd], nil
}
