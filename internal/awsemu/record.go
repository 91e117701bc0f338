// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// Identity types RecordSpec.IdentityType understands.
const (
	IdentityIAMUser     = "IAMUser"
	IdentityAssumedRole = "AssumedRole"
	IdentityRoot        = "Root"
)

// RecordSpec describes a CloudTrail management event for NewRecord. Zero fields get
// realistic defaults.
type RecordSpec struct {
	Account         string    // recipient and caller account; default DefaultAccountID
	Region          string    // awsRegion; default "us-east-1"
	EventID         string    // default: a random UUID
	RequestID       string    // default: a random UUID
	EventVersion    string    // default "1.09"
	EventName       string    // default "DescribeInstances"
	EventSource     string    // default "ec2.amazonaws.com"
	EventTime       time.Time // default time.Now(); truncated to the second, UTC
	ReadOnly        bool
	IdentityType    string // IdentityIAMUser (default), IdentityAssumedRole or IdentityRoot
	Username        string // IAM user name, or role session name; default "alice"
	RoleName        string // for IdentityAssumedRole; default "Admin"
	AccessKeyID     string // default "AKIA..." (IAMUser, Root) or "ASIA..." (AssumedRole)
	SourceIPAddress string // default "203.0.113.10"
	UserAgent       string // default an aws-cli user agent
	Resources       []Resource
	// RequestParameters and ResponseElements are emitted as JSON objects, or null.
	RequestParameters map[string]any
	ResponseElements  map[string]any
	// RequestParametersJSON and ResponseElementsJSON, when not empty, are emitted
	// verbatim instead of RequestParameters and ResponseElements. They must be valid
	// JSON; they spare a map round trip when the JSON is at hand (recorded calls,
	// bulk seeding).
	RequestParametersJSON json.RawMessage
	ResponseElementsJSON  json.RawMessage
	ErrorCode             string
	ErrorMessage          string
	// DeliveryDelay is how long after EventTime the event becomes visible to
	// LookupEvents (Event.VisibleAt). Default 0: visible at once.
	DeliveryDelay time.Duration
}

// ctRecord is a CloudTrail record, fields in the order CloudTrail writes them.
type ctRecord struct {
	EventVersion       string          `json:"eventVersion"`
	UserIdentity       ctIdentity      `json:"userIdentity"`
	EventTime          string          `json:"eventTime"`
	EventSource        string          `json:"eventSource"`
	EventName          string          `json:"eventName"`
	AWSRegion          string          `json:"awsRegion"`
	SourceIPAddress    string          `json:"sourceIPAddress"`
	UserAgent          string          `json:"userAgent"`
	ErrorCode          string          `json:"errorCode,omitempty"`
	ErrorMessage       string          `json:"errorMessage,omitempty"`
	RequestParameters  json.RawMessage `json:"requestParameters"`
	ResponseElements   json.RawMessage `json:"responseElements"`
	RequestID          string          `json:"requestID"`
	EventID            string          `json:"eventID"`
	ReadOnly           bool            `json:"readOnly"`
	Resources          []ctResource    `json:"resources,omitempty"`
	EventType          string          `json:"eventType"`
	ManagementEvent    bool            `json:"managementEvent"`
	RecipientAccountID string          `json:"recipientAccountId"`
	EventCategory      string          `json:"eventCategory"`
	TLSDetails         json.RawMessage `json:"tlsDetails,omitempty"`
}

type ctResource struct {
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type,omitempty"`
	ARN       string `json:"ARN,omitempty"`
}

// NewRecord returns an Event whose CloudTrailEvent is a realistic CloudTrail record
// (eventVersion 1.09 unless spec says otherwise) consistent with the Event's
// top-level fields.
func NewRecord(spec RecordSpec) Event {
	spec = spec.withDefaults()
	return spec.event(spec.record())
}

// NewLazyRecord is NewRecord for bulk seeding: the Event keeps the spec, with an empty
// CloudTrailEvent, and Record builds the same JSON each time it is asked (LookupEvents
// asks). A seeded event then takes about 40% of the memory. The spec's maps and JSON must
// not change afterwards.
func NewLazyRecord(spec RecordSpec) Event {
	spec = spec.withDefaults()
	ev := spec.event("")
	ev.lazy = &spec
	return ev
}

// Record returns the event's CloudTrail record: CloudTrailEvent, or for a NewLazyRecord
// event the JSON built from its spec.
func (ev *Event) Record() string {
	if ev.lazy != nil {
		return ev.lazy.record()
	}
	return ev.CloudTrailEvent
}

// record builds the CloudTrail record of a spec with defaults.
func (spec RecordSpec) record() string {
	rec := ctRecord{
		EventVersion:       spec.EventVersion,
		UserIdentity:       spec.identity(),
		EventTime:          spec.EventTime.Format(time.RFC3339),
		EventSource:        spec.EventSource,
		EventName:          spec.EventName,
		AWSRegion:          spec.Region,
		SourceIPAddress:    spec.SourceIPAddress,
		UserAgent:          spec.UserAgent,
		ErrorCode:          spec.ErrorCode,
		ErrorMessage:       spec.ErrorMessage,
		RequestParameters:  rawObject(spec.RequestParametersJSON, spec.RequestParameters),
		ResponseElements:   rawObject(spec.ResponseElementsJSON, spec.ResponseElements),
		RequestID:          spec.RequestID,
		EventID:            spec.EventID,
		ReadOnly:           spec.ReadOnly,
		Resources:          spec.ctResources(),
		EventType:          "AwsApiCall",
		ManagementEvent:    true,
		RecipientAccountID: spec.Account,
		EventCategory:      "Management",
		TLSDetails:         tlsDetails(spec.EventSource, spec.Region),
	}
	body, _ := json.Marshal(rec)
	return string(body)
}

func (spec RecordSpec) event(ct string) Event {
	return Event{
		Account:         spec.Account,
		Region:          spec.Region,
		EventID:         spec.EventID,
		RequestID:       spec.RequestID,
		EventName:       spec.EventName,
		EventSource:     spec.EventSource,
		EventTime:       spec.EventTime,
		ReadOnly:        spec.ReadOnly,
		Username:        spec.Username,
		AccessKeyID:     spec.AccessKeyID,
		Resources:       spec.Resources,
		CloudTrailEvent: ct,
		VisibleAt:       spec.EventTime.Add(spec.DeliveryDelay),
	}
}

func (spec RecordSpec) withDefaults() RecordSpec {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&spec.Account, DefaultAccountID)
	def(&spec.Region, "us-east-1")
	if spec.EventID == "" {
		spec.EventID = newUUID()
	}
	if spec.RequestID == "" {
		spec.RequestID = newUUID()
	}
	def(&spec.EventVersion, "1.09")
	def(&spec.EventName, "DescribeInstances")
	def(&spec.EventSource, "ec2.amazonaws.com")
	def(&spec.IdentityType, IdentityIAMUser)
	def(&spec.Username, "alice")
	def(&spec.RoleName, "Admin")
	def(&spec.AccessKeyID, defaultAccessKey(spec.IdentityType))
	def(&spec.SourceIPAddress, "203.0.113.10")
	def(&spec.UserAgent, "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8")
	if spec.IdentityType == IdentityRoot {
		spec.Username = "root"
	}
	if spec.EventTime.IsZero() {
		spec.EventTime = time.Now()
	}
	spec.EventTime = spec.EventTime.UTC().Truncate(time.Second)
	return spec
}

func defaultAccessKey(identityType string) string {
	if identityType == IdentityAssumedRole {
		return "ASIAQ3EGSLMC2EXAMPLE"
	}
	return "AKIAIOSFODNN7EXAMPLE"
}

func (spec RecordSpec) ctResources() []ctResource {
	var out []ctResource
	for _, r := range spec.Resources {
		if strings.HasPrefix(r.ResourceName, "arn:") {
			out = append(out, ctResource{AccountID: spec.Account, Type: r.ResourceType, ARN: r.ResourceName})
		}
	}
	return out
}

// tlsCache holds tlsDetails per source and region: bulk seeding builds millions.
var tlsCache sync.Map

func tlsDetails(source, region string) json.RawMessage {
	key := source + "|" + region
	if b, ok := tlsCache.Load(key); ok {
		return b.(json.RawMessage)
	}
	b, _ := json.Marshal(map[string]string{
		"tlsVersion":               "TLSv1.3",
		"cipherSuite":              "TLS_AES_128_GCM_SHA256",
		"clientProvidedHostHeader": strings.TrimSuffix(source, ".amazonaws.com") + "." + region + ".amazonaws.com",
	})
	tlsCache.Store(key, json.RawMessage(b))
	return b
}

// rawObject returns raw when set, else m as JSON (null for a nil map).
func rawObject(raw json.RawMessage, m map[string]any) json.RawMessage {
	if len(raw) > 0 {
		return raw
	}
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	return b
}
