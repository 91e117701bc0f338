package translate

import (
	"strconv"
	"strings"
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
		if foldEqual(key, ascii, name) {
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

// foldEqual is strings.EqualFold(key, name) for an ASCII name. An ASCII key
// can only match a name of its length; a key with other bytes can be
// shorter or longer (the Kelvin sign folds to 'k', 'ſ' to 's').
func foldEqual(key string, ascii bool, name string) bool {
	return (!ascii || len(key) == len(name)) && strings.EqualFold(key, name)
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
func (r *fields) index(p *parser) {
	*r = fields{}
	for _, m := range p.membersOf(0) {
		if p.isNull(m.val) {
			continue
		}
		if f, ok := lookupField(m.key, m.ascii); ok {
			r.tok[f], r.key[f] = m.val, m.key
		}
	}
}

// scalarString gives the non-empty string, number or bool at token i as a
// string (numbers as pcommon.Value.AsString formats them).
func (t *recordTranslator) scalarString(i int) (string, bool) {
	p := t.p
	switch tok := &p.tape[i]; tok.kind {
	case tokString:
		s := p.strAt(i)
		return s, s != ""
	case tokNumber:
		setNumber(t.num, p.data[tok.start:tok.end], tok.flags&flagIntegral != 0)
		return t.num.AsString(), true
	case tokTrue:
		return "true", true
	case tokFalse:
		return "false", true
	case tokRaw:
		return strings.ToValidUTF8(p.data[tok.start:tok.end], "\uFFFD"), true
	}
	return "", false
}

// scalarBool accepts a JSON bool or a string strconv.ParseBool takes ("true").
func (t *recordTranslator) scalarBool(i int) (bool, bool) {
	switch t.p.tape[i].kind {
	case tokTrue:
		return true, true
	case tokFalse:
		return false, true
	case tokString, tokRaw:
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
	return i, i != 0 && t.p.tape[i].kind == tokObject
}

// getKey finds key among an object's members: exactly, else ignoring case.
// An exact match that is null is no match.
func (t *recordTranslator) getKey(ms []member, key string) (int, bool) {
	for k := range ms {
		if ms[k].key == key {
			return ms[k].val, !t.p.isNull(ms[k].val)
		}
	}
	for k := range ms {
		if foldEqual(ms[k].key, ms[k].ascii, key) && !t.p.isNull(ms[k].val) {
			return ms[k].val, true
		}
	}
	return 0, false
}

func (t *recordTranslator) getObject(ms []member, key string) (int, bool) {
	i, ok := t.getKey(ms, key)
	return i, ok && t.p.tape[i].kind == tokObject
}

func (t *recordTranslator) getString(ms []member, key string) (string, bool) {
	i, ok := t.getKey(ms, key)
	if !ok {
		return "", false
	}
	return t.scalarString(i)
}
