// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// recordTranslator fills one log record from a parsed CloudTrail record,
// reading its fields from the parser's tape.
type recordTranslator struct {
	p *cjson.Parser
	f fields
	// num is scratch space to format numbers the way pcommon does.
	num pcommon.Value
	// pending are the record's attributes, gathered before they are put so
	// that the attribute map is allocated once, at its final size.
	pending []pendingAttr
	// body is the record converted (BodyMap), whose maps the map attributes
	// copy rather than convert again; hasBody says it is set.
	body    pcommon.Map
	hasBody bool
}

type attrKind uint8

const (
	attrStr       attrKind = iota // s
	attrBool                      // b
	attrMap                       // the object of field f
	attrResources                 // the resources array (field f), mapped
)

type pendingAttr struct {
	name, s string
	f       field
	kind    attrKind
	b       bool
}

func (t *recordTranslator) putStr(name, s string) {
	t.pending = append(t.pending, pendingAttr{name: name, kind: attrStr, s: s})
}

func (t *recordTranslator) putBool(name string, b bool) {
	t.pending = append(t.pending, pendingAttr{name: name, kind: attrBool, b: b})
}

// putString adds the non-empty scalar at ms[key] as attribute name.
func (t *recordTranslator) putString(name string, ms []cjson.Member, key string) {
	if s, ok := t.getString(ms, key); ok {
		t.putStr(name, s)
	}
}

func (t *recordTranslator) fill(lr plog.LogRecord, fallbackTime, observed time.Time) {
	t.setTimes(lr, fallbackTime, observed)
	eventType, _ := t.str(fEventType)
	lr.SetEventName(eventName(eventType))
	t.setSeverity(lr)
	t.pending = t.pending[:0]
	t.putEventAttrs()
	t.putCallerAttrs()
	t.putErrorAttrs()
	t.putNestedAttrs()
	t.putLookoutNames()
	t.flush(lr.Attributes())
}

// flush puts the pending attributes into attrs.
func (t *recordTranslator) flush(attrs pcommon.Map) {
	attrs.EnsureCapacity(len(t.pending))
	for k := range t.pending {
		a := &t.pending[k]
		switch a.kind {
		case attrStr:
			attrs.PutStr(a.name, a.s)
		case attrBool:
			attrs.PutBool(a.name, a.b)
		case attrMap:
			t.putObject(attrs, a.name, a.f)
		case attrResources:
			t.buildResources(t.f.tok[a.f], attrs)
		}
	}
	clear(t.pending) // drop references into the record
}

// putObject puts the object of field f: a copy of the body's (BodyMap),
// else converted from the tape.
func (t *recordTranslator) putObject(attrs pcommon.Map, name string, f field) {
	if t.hasBody {
		if v, ok := t.body.Get(t.f.key[f]); ok {
			v.CopyTo(attrs.PutEmpty(name))
			return
		}
	}
	build(t.p, t.f.tok[f], attrs.PutEmpty(name))
}

func (t *recordTranslator) setTimes(lr plog.LogRecord, fallbackTime, observed time.Time) {
	ts := fallbackTime
	if s, ok := t.str(fEventTime); ok {
		if parsed, ok := ParseEventTime(s); ok {
			ts = parsed
		}
	}
	if !ts.IsZero() {
		lr.SetTimestamp(pcommon.NewTimestampFromTime(ts))
	}
	if !observed.IsZero() {
		lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(observed))
	}
}

var eventNames = [...]struct{ eventType, name string }{
	{"AwsApiCall", EventNameAPICall},
	{"AwsServiceEvent", EventNameServiceEvent},
	{"AwsConsoleSignIn", EventNameConsoleSignIn},
	{"AwsConsoleAction", EventNameConsoleAction},
	{"AwsCloudTrailInsight", EventNameInsight},
	{"AwsVpceEvent", EventNameVpceEvent},
}

// eventName maps eventType (ignoring case: "AwsConsoleSignin" occurs) to a
// fixed set of event names.
func eventName(eventType string) string {
	for _, e := range eventNames {
		if strings.EqualFold(eventType, e.eventType) {
			return e.name
		}
	}
	return EventNameOther
}

func (t *recordTranslator) putField(name string, f field) {
	if s, ok := t.str(f); ok {
		t.putStr(name, s)
	}
}

func (t *recordTranslator) putBoolField(name string, f field) {
	if i := t.f.tok[f]; i != 0 {
		if b, ok := t.scalarBool(i); ok {
			t.putBool(name, b)
		}
	}
}

// setSeverity: ERROR when errorCode is set; WARN for a failed sign-in, which has no
// errorCode (signin.amazonaws.com records say responseElements.<eventName>: "Failure",
// as a failed ConsoleLogin or CheckMfa does); else INFO. The sign-in check costs one
// string comparison on every other record.
func (t *recordTranslator) setSeverity(lr plog.LogRecord) {
	switch {
	case t.hasField(fErrorCode):
		lr.SetSeverityNumber(plog.SeverityNumberError)
		lr.SetSeverityText("ERROR")
	case t.failedSignIn():
		lr.SetSeverityNumber(plog.SeverityNumberWarn)
		lr.SetSeverityText("WARN")
	default:
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
	}
}

func (t *recordTranslator) hasField(f field) bool {
	_, ok := t.str(f)
	return ok
}

// signInSource is the eventSource of AWS sign-in events (ConsoleLogin, CheckMfa, ...).
const signInSource = "signin.amazonaws.com"

// failedSignIn reports a sign-in event whose responseElements.<eventName> is "Failure".
func (t *recordTranslator) failedSignIn() bool {
	if source, _ := t.str(fEventSource); source != signInSource {
		return false
	}
	name, ok := t.str(fEventName)
	resp, isObj := t.object(fResponseElements)
	if !ok || !isObj {
		return false
	}
	outcome, _ := t.getString(t.p.Members(resp), name)
	return outcome == "Failure"
}

func (t *recordTranslator) putEventAttrs() {
	t.putField(AttrEventVersion, fEventVersion)
	if id, ok := t.str(fEventID); ok {
		t.putStr(AttrEventID, id)
		t.putStr(AttrLogRecordUID, id)
	}
	t.putField(AttrRPCMethod, fEventName)
	t.putField(AttrRPCSystem, fEventType)
	t.putField(AttrAPIVersion, fAPIVersion)
	t.putField(AttrRPCService, fEventSource)
	t.putInsightCall()
	t.putField(AttrRequestID, fRequestID)
	t.putField(AttrEventCategory, fEventCategory)
	t.putBoolField(AttrReadOnly, fReadOnly)
	t.putBoolField(AttrManagementEvent, fManagementEvent)
}

// putInsightCall gives an Insights record, which has no top-level eventSource or
// eventName, the rpc.service and rpc.method of the calls it is about (insightDetails).
func (t *recordTranslator) putInsightCall() {
	_, hasSource := t.str(fEventSource)
	_, hasName := t.str(fEventName)
	details, ok := t.object(fInsightDetails)
	if !ok || (hasSource && hasName) {
		return
	}
	ms := t.p.Members(details)
	if !hasSource {
		t.putString(AttrRPCService, ms, "eventSource")
	}
	if !hasName {
		t.putString(AttrRPCMethod, ms, "eventName")
	}
}

func (t *recordTranslator) putCallerAttrs() {
	t.putField(AttrSourceAddress, fSourceIPAddress)
	t.putField(AttrUserAgentOriginal, fUserAgent)
	t.putBoolField(AttrSessionConsole, fSessionCredentialFromConsole)
	if ui, ok := t.object(fUserIdentity); ok {
		t.putUserIdentity(ui)
	}
	if tls, ok := t.object(fTLSDetails); ok {
		t.putTLSDetails(tls)
	}
}

func (t *recordTranslator) putErrorAttrs() {
	t.putField(AttrErrorCode, fErrorCode)
	t.putField(AttrErrorMessage, fErrorMessage)
	t.putField(AttrSharedEventID, fSharedEventID)
}

// putNestedAttrs maps the nested objects; a value that is not an object
// (AWS sometimes sends a string) adds no attribute and stays in the body.
func (t *recordTranslator) putNestedAttrs() {
	t.putMap(AttrInsightDetails, fInsightDetails)
	t.putMap(AttrRequestParameters, fRequestParameters)
	t.putMap(AttrResponseElements, fResponseElements)
	t.putMap(AttrAdditionalEventData, fAdditionalEventData)
	if i := t.f.tok[fResources]; i != 0 && t.hasResources(i) {
		t.pending = append(t.pending, pendingAttr{name: AttrResources, kind: attrResources, f: fResources})
	}
}

func (t *recordTranslator) putMap(name string, f field) {
	if _, ok := t.object(f); ok {
		t.pending = append(t.pending, pendingAttr{name: name, kind: attrMap, f: f})
	}
}

// putLookoutNames adds the Lookout for Metrics names of the event, if it is
// one of that source and names any.
func (t *recordTranslator) putLookoutNames() {
	if src, _ := t.str(fEventSource); !strings.EqualFold(src, LookoutMetricsEventSource) {
		return
	}
	var n lookoutNames
	for _, f := range [...]field{fRequestParameters, fResponseElements} {
		if i, ok := t.object(f); ok {
			t.collectLookout(&n, i)
		}
	}
	n.deriveNames()
	n.put(t)
}
