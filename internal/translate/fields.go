// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"strconv"
	"strings"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
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

// lookupField matches a record key to a field: exactly, else ignoring case
// (as encoding/json matches struct fields, and as some published records
// spell "accountid" or "sessioncontext"). ascii says the key is plain ASCII.
func lookupField(key string, ascii bool) (field, bool) {
	if f, ok := exactField(key); ok {
		return f, true
	}
	for f, name := range fieldNames {
		if cjson.FoldEqual(key, ascii, name) {
			return field(f), true
		}
	}
	return 0, false
}

// exactField is the inverse of fieldNames.
func exactField(key string) (field, bool) {
	switch key {
	case "eventVersion":
		return fEventVersion, true
	case "eventID":
		return fEventID, true
	case "eventTime":
		return fEventTime, true
	case "eventName":
		return fEventName, true
	case "eventType":
		return fEventType, true
	case "eventSource":
		return fEventSource, true
	case "eventCategory":
		return fEventCategory, true
	case "apiVersion":
		return fAPIVersion, true
	case "awsRegion":
		return fAWSRegion, true
	case "recipientAccountId":
		return fRecipientAccountID, true
	case "requestID":
		return fRequestID, true
	case "readOnly":
		return fReadOnly, true
	case "managementEvent":
		return fManagementEvent, true
	case "sourceIPAddress":
		return fSourceIPAddress, true
	case "userAgent":
		return fUserAgent, true
	case "sessionCredentialFromConsole":
		return fSessionCredentialFromConsole, true
	case "userIdentity":
		return fUserIdentity, true
	case "tlsDetails":
		return fTLSDetails, true
	case "errorCode":
		return fErrorCode, true
	case "errorMessage":
		return fErrorMessage, true
	case "sharedEventID":
		return fSharedEventID, true
	case "insightDetails":
		return fInsightDetails, true
	case "requestParameters":
		return fRequestParameters, true
	case "responseElements":
		return fResponseElements, true
	case "additionalEventData":
		return fAdditionalEventData, true
	case "resources":
		return fResources, true
	}
	return 0, false
}

// fields holds where the record's known top-level values are on the tape
// (token indexes; 0, the record itself, means absent or JSON null) and the
// keys they have in the record.
type fields struct {
	tok [numFields]int
	key [numFields]string
}

// index finds the known fields among the record's members, as the record's
// map would hold them (for a repeated key the last value wins; where two
// keys match a field ignoring case, the later one wins).
func (r *fields) index(p *cjson.Parser) {
	*r = fields{}
	for _, m := range p.Members(0) {
		if p.IsNull(m.Val) {
			continue
		}
		if f, ok := lookupField(m.Key, m.ASCII); ok {
			r.tok[f], r.key[f] = m.Val, m.Key
		}
	}
}

// scalarString gives the non-empty string, number or bool at token i as a
// string (numbers as pcommon.Value.AsString formats them).
func (t *recordTranslator) scalarString(i int) (string, bool) {
	p := t.p
	switch tok := &p.Tape[i]; tok.Kind {
	case cjson.String:
		s := p.Str(i)
		return s, s != ""
	case cjson.Number:
		setNumber(t.num, p.Data[tok.Start:tok.End], tok.Flags&cjson.FlagIntegral != 0)
		return t.num.AsString(), true
	case cjson.True:
		return "true", true
	case cjson.False:
		return "false", true
	case cjson.Raw:
		return strings.ToValidUTF8(p.Data[tok.Start:tok.End], "\uFFFD"), true
	}
	return "", false
}

// scalarBool accepts a JSON bool or a string strconv.ParseBool takes ("true").
func (t *recordTranslator) scalarBool(i int) (bool, bool) {
	switch t.p.Tape[i].Kind {
	case cjson.True:
		return true, true
	case cjson.False:
		return false, true
	case cjson.String, cjson.Raw:
		s, _ := t.scalarString(i)
		b, err := strconv.ParseBool(s)
		return b, err == nil
	}
	return false, false
}

func (t *recordTranslator) str(f field) (string, bool) {
	if t.f.tok[f] == 0 {
		return "", false
	}
	return t.scalarString(t.f.tok[f])
}

// object returns the token of field f when it is a JSON object.
func (t *recordTranslator) object(f field) (int, bool) {
	i := t.f.tok[f]
	return i, i != 0 && t.p.Tape[i].Kind == cjson.Object
}

// getKey finds key among an object's members: exactly, else ignoring case.
// An exact match that is null is no match.
func (t *recordTranslator) getKey(ms []cjson.Member, key string) (int, bool) {
	for k := range ms {
		if ms[k].Key == key {
			return ms[k].Val, !t.p.IsNull(ms[k].Val)
		}
	}
	for k := range ms {
		if cjson.FoldEqual(ms[k].Key, ms[k].ASCII, key) && !t.p.IsNull(ms[k].Val) {
			return ms[k].Val, true
		}
	}
	return 0, false
}

func (t *recordTranslator) getObject(ms []cjson.Member, key string) (int, bool) {
	i, ok := t.getKey(ms, key)
	return i, ok && t.p.Tape[i].Kind == cjson.Object
}

func (t *recordTranslator) getString(ms []cjson.Member, key string) (string, bool) {
	i, ok := t.getKey(ms, key)
	if !ok {
		return "", false
	}
	return t.scalarString(i)
}
