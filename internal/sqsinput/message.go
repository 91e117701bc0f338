// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package sqsinput is the receiver's SQS input: it takes messages from one queue, tells
// their kind (S3 notifications of trail files, directly, through SNS or EventBridge;
// CloudTrail's own SNS notification; EventBridge events that carry a CloudTrail record;
// S3 test events and anything else), streams the trail files they name from S3 record by
// record, and deletes a message only once every record it names was accepted by the
// pipeline. While a message is in work its visibility is extended (a heartbeat), so no
// other collector on the queue takes it.
package sqsinput // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput"

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Kind is what a message carries.
type Kind int

const (
	// KindUnknown is a message that is none of the others (or not JSON): deleted, counted.
	KindUnknown Kind = iota
	// KindTestEvent is the s3:TestEvent S3 sends when notifications are configured.
	KindTestEvent
	// KindS3Event is an S3 event notification (eventVersion 2.x) of created objects.
	KindS3Event
	// KindCloudTrailNotification is CloudTrail's SNS message per delivered file.
	KindCloudTrailNotification
	// KindEventBridgeObject is an EventBridge "Object Created" event from S3.
	KindEventBridgeObject
	// KindEventBridgeRecord is an EventBridge event from CloudTrail: its detail is the record.
	KindEventBridgeRecord
)

var kindNames = [...]string{"unknown", "s3_test_event", "s3_event", "cloudtrail_notification",
	"eventbridge_object_created", "eventbridge_cloudtrail"}

func (k Kind) String() string { return kindNames[k] }

// Object is one S3 object a message names.
type Object struct {
	Bucket string
	Key    string // decoded
	// Region is the bucket's region when the message tells it, else empty.
	Region string
	// RawKey is the key as the message gave it, when decoding changed it and the message's
	// encoding is not documented (EventBridge): read when S3 has no object at Key.
	RawKey string
}

// Message is a parsed SQS message body.
type Message struct {
	Kind Kind
	// ViaSNS is set when the body was an SNS notification envelope.
	ViaSNS bool
	// Objects are the created objects an S3 event or CloudTrail notification names.
	Objects []Object
	// Record is the CloudTrail record of a KindEventBridgeRecord message, byte for byte.
	Record []byte
}

// cloudTrailDetailTypes are the EventBridge detail types whose detail is a CloudTrail record.
var cloudTrailDetailTypes = map[string]bool{
	"AWS API Call via CloudTrail":        true,
	"AWS Console Sign In via CloudTrail": true,
	"AWS Service Event via CloudTrail":   true,
	"AWS Insight via CloudTrail":         true,
}

// envelope holds the members of every kind of body that tell them apart.
type envelope struct {
	// SNS
	Type    string  `json:"Type"`
	Message *string `json:"Message"`
	// S3 event notification and test event
	Records []s3Record `json:"Records"`
	Event   string     `json:"Event"`
	// CloudTrail notification
	S3Bucket    string   `json:"s3Bucket"`
	S3ObjectKey []string `json:"s3ObjectKey"`
	// EventBridge
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Region     string          `json:"region"`
	Detail     json.RawMessage `json:"detail"`
}

type s3Record struct {
	EventSource string `json:"eventSource"`
	EventName   string `json:"eventName"`
	AWSRegion   string `json:"awsRegion"`
	S3          struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key string `json:"key"`
		} `json:"object"`
	} `json:"s3"`
}

type eventBridgeObject struct {
	Bucket struct {
		Name string `json:"name"`
	} `json:"bucket"`
	Object struct {
		Key string `json:"key"`
	} `json:"object"`
}

// Parse tells a message body's kind and what it names. It never fails: a body it does not
// understand is KindUnknown.
func Parse(body []byte) Message {
	return parse(body, false)
}

func parse(body []byte, viaSNS bool) Message {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Message{Kind: KindUnknown, ViaSNS: viaSNS}
	}
	switch {
	case !viaSNS && env.Type == "Notification" && env.Message != nil:
		return parse([]byte(*env.Message), true)
	case env.Event == "s3:TestEvent":
		return Message{Kind: KindTestEvent, ViaSNS: viaSNS}
	case env.Records != nil:
		return s3EventMessage(env.Records, viaSNS)
	case env.S3Bucket != "" && len(env.S3ObjectKey) > 0:
		m := Message{Kind: KindCloudTrailNotification, ViaSNS: viaSNS}
		seen := make(map[[2]string]bool)
		for _, k := range env.S3ObjectKey {
			if k != "" {
				m.addObject(seen, Object{Bucket: env.S3Bucket, Key: k})
			}
		}
		return m
	case env.DetailType == "Object Created" && env.Source == "aws.s3":
		var d eventBridgeObject
		if err := json.Unmarshal(env.Detail, &d); err != nil || d.Bucket.Name == "" || d.Object.Key == "" {
			return Message{Kind: KindUnknown, ViaSNS: viaSNS}
		}
		// S3 URL-encodes the key it sends to EventBridge as it does in its notifications
		// (as far as anyone shows: AWS's documentation does not say), so the decoded key is
		// read first, and the key as given when S3 has no object at the decoded one.
		obj := Object{Bucket: d.Bucket.Name, Key: DecodeKey(d.Object.Key), Region: env.Region}
		if obj.Key != d.Object.Key {
			obj.RawKey = d.Object.Key
		}
		return Message{Kind: KindEventBridgeObject, ViaSNS: viaSNS, Objects: []Object{obj}}
	case cloudTrailDetailTypes[env.DetailType] && len(env.Detail) > 0 && env.Detail[0] == '{':
		return Message{Kind: KindEventBridgeRecord, ViaSNS: viaSNS, Record: env.Detail}
	}
	return Message{Kind: KindUnknown, ViaSNS: viaSNS}
}

// s3EventMessage keeps the ObjectCreated records of an S3 event notification; others
// (removals, restores, ...) name nothing to read.
func s3EventMessage(records []s3Record, viaSNS bool) Message {
	m := Message{Kind: KindS3Event, ViaSNS: viaSNS}
	seen := make(map[[2]string]bool)
	for _, r := range records {
		if r.EventSource != "aws:s3" || !strings.HasPrefix(r.EventName, "ObjectCreated:") ||
			r.S3.Bucket.Name == "" || r.S3.Object.Key == "" {
			continue
		}
		m.addObject(seen, Object{Bucket: r.S3.Bucket.Name, Key: DecodeKey(r.S3.Object.Key), Region: r.AWSRegion})
	}
	return m
}

// addObject appends obj unless the message named its bucket and key already (seen holds
// those): an object named twice is read once, else a record without an eventID, which
// the index cannot recognise, would be emitted twice.
func (m *Message) addObject(seen map[[2]string]bool, obj Object) {
	k := [2]string{obj.Bucket, obj.Key}
	if seen[k] {
		return
	}
	seen[k] = true
	m.Objects = append(m.Objects, obj)
}

// DecodeKey decodes an object key as S3 event notifications write it: form encoding,
// where '+' is a space. A key that does not decode is returned as it is.
func DecodeKey(k string) string {
	d, err := url.QueryUnescape(k)
	if err != nil {
		return k
	}
	return d
}
