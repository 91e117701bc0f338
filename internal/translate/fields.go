package translate

import (
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// field is a top-level CloudTrail record field this package reads.
type field int

const (
	fEventVersion field = iota
	fEventID
	fEventTime
	fEventName
	fEventType
	fEventSource
	fEventCategory
	fAPIVersion
	fAWSRegion
	fRecipientAccountID
	fRequestID
	fReadOnly
	fManagementEvent
	fSourceIPAddress
	fUserAgent
	fSessionCredentialFromConsole
	fUserIdentity
	fTLSDetails
	fErrorCode
	fErrorMessage
	fSharedEventID
	fInsightDetails
	fRequestParameters
	fResponseElements
	fAdditionalEventData
	fResources
	numFields
)

var fieldNames = [numFields]string{
	fEventVersion:                 "eventVersion",
	fEventID:                      "eventID",
	fEventTime:                    "eventTime",
	fEventName:                    "eventName",
	fEventType:                    "eventType",
	fEventSource:                  "eventSource",
	fEventCategory:                "eventCategory",
	fAPIVersion:                   "apiVersion",
	fAWSRegion:                    "awsRegion",
	fRecipientAccountID:           "recipientAccountId",
	fRequestID:                    "requestID",
	fReadOnly:                     "readOnly",
	fManagementEvent:              "managementEvent",
	fSourceIPAddress:              "sourceIPAddress",
	fUserAgent:                    "userAgent",
	fSessionCredentialFromConsole: "sessionCredentialFromConsole",
	fUserIdentity:                 "userIdentity",
	fTLSDetails:                   "tlsDetails",
	fErrorCode:                    "errorCode",
	fErrorMessage:                 "errorMessage",
	fSharedEventID:                "sharedEventID",
	fInsightDetails:               "insightDetails",
	fRequestParameters:            "requestParameters",
	fResponseElements:             "responseElements",
	fAdditionalEventData:          "additionalEventData",
	fResources:                    "resources",
}

var fieldByName = func() map[string]field {
	m := make(map[string]field, numFields)
	for f, name := range fieldNames {
		m[name] = field(f)
	}
	return m
}()

// lookupField matches a record key to a field: exactly, else ignoring case
// (as encoding/json matches struct fields, and as some published records
// spell "accountid" or "sessioncontext").
func lookupField(key string) (field, bool) {
	if f, ok := fieldByName[key]; ok {
		return f, true
	}
	for f, name := range fieldNames {
		if strings.EqualFold(key, name) {
			return field(f), true
		}
	}
	return 0, false
}

// fields holds the record's known top-level values; a field that is absent
// or JSON null is not set.
type fields struct {
	vals [numFields]pcommon.Value
	set  [numFields]bool
}

func (r *fields) index(record pcommon.Map) {
	*r = fields{}
	for key, v := range record.All() {
		if v.Type() == pcommon.ValueTypeEmpty {
			continue
		}
		if f, ok := lookupField(key); ok {
			r.vals[f], r.set[f] = v, true
		}
	}
}

func (r *fields) get(f field) (pcommon.Value, bool) { return r.vals[f], r.set[f] }

func (r *fields) str(f field) (string, bool) {
	if !r.set[f] {
		return "", false
	}
	return scalarString(r.vals[f])
}

func (r *fields) mapOf(f field) (pcommon.Map, bool) {
	if !r.set[f] || r.vals[f].Type() != pcommon.ValueTypeMap {
		return pcommon.Map{}, false
	}
	return r.vals[f].Map(), true
}

// scalarString gives a non-empty string, number or bool as a string.
func scalarString(v pcommon.Value) (string, bool) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str(), v.Str() != ""
	case pcommon.ValueTypeInt, pcommon.ValueTypeDouble, pcommon.ValueTypeBool:
		return v.AsString(), true
	default:
		return "", false
	}
}

// scalarBool accepts a JSON bool or a string strconv.ParseBool takes ("true").
func scalarBool(v pcommon.Value) (bool, bool) {
	switch v.Type() {
	case pcommon.ValueTypeBool:
		return v.Bool(), true
	case pcommon.ValueTypeStr:
		b, err := strconv.ParseBool(v.Str())
		return b, err == nil
	default:
		return false, false
	}
}

// getKey finds key in a nested map: exactly, else ignoring case.
func getKey(m pcommon.Map, key string) (pcommon.Value, bool) {
	if v, ok := m.Get(key); ok {
		return v, v.Type() != pcommon.ValueTypeEmpty
	}
	for k, v := range m.All() {
		if strings.EqualFold(k, key) && v.Type() != pcommon.ValueTypeEmpty {
			return v, true
		}
	}
	return pcommon.Value{}, false
}

func getMap(m pcommon.Map, key string) (pcommon.Map, bool) {
	v, ok := getKey(m, key)
	if !ok || v.Type() != pcommon.ValueTypeMap {
		return pcommon.Map{}, false
	}
	return v.Map(), true
}

func getString(m pcommon.Map, key string) (string, bool) {
	v, ok := getKey(m, key)
	if !ok {
		return "", false
	}
	return scalarString(v)
}

// putString copies the non-empty scalar at m[key] to attrs[name].
func putString(attrs pcommon.Map, name string, m pcommon.Map, key string) {
	if s, ok := getString(m, key); ok {
		attrs.PutStr(name, s)
	}
}
