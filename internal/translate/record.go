package translate

import (
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// recordTranslator fills one log record from a parsed CloudTrail record.
type recordTranslator struct {
	f fields
	// copyMaps is set when the parsed record is the body (BodyMap): nested
	// maps are then copied into attributes; otherwise they are moved, which
	// costs nothing.
	copyMaps bool
}

func (t *recordTranslator) fill(lr plog.LogRecord, fallbackTime, observed time.Time) {
	t.setTimes(lr, fallbackTime, observed)
	eventType, _ := t.f.str(fEventType)
	lr.SetEventName(eventName(eventType))
	if _, failed := t.f.str(fErrorCode); failed {
		lr.SetSeverityNumber(plog.SeverityNumberError)
		lr.SetSeverityText("ERROR")
	} else {
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
	}
	attrs := lr.Attributes()
	attrs.EnsureCapacity(24)
	lookout := t.lookoutNames() // before the maps it reads are moved away
	t.putEventAttrs(attrs)
	t.putCallerAttrs(attrs)
	t.putErrorAttrs(attrs)
	t.putNestedAttrs(attrs)
	if lookout != nil {
		lookout.put(attrs)
	}
}

func (t *recordTranslator) setTimes(lr plog.LogRecord, fallbackTime, observed time.Time) {
	ts := fallbackTime
	if s, ok := t.f.str(fEventTime); ok {
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

func (t *recordTranslator) putStr(attrs pcommon.Map, name string, f field) {
	if s, ok := t.f.str(f); ok {
		attrs.PutStr(name, s)
	}
}

func (t *recordTranslator) putBool(attrs pcommon.Map, name string, f field) {
	if v, ok := t.f.get(f); ok {
		if b, ok := scalarBool(v); ok {
			attrs.PutBool(name, b)
		}
	}
}

func (t *recordTranslator) putEventAttrs(attrs pcommon.Map) {
	t.putStr(attrs, AttrEventVersion, fEventVersion)
	t.putStr(attrs, AttrEventID, fEventID)
	t.putStr(attrs, AttrLogRecordUID, fEventID)
	t.putStr(attrs, AttrRPCMethod, fEventName)
	t.putStr(attrs, AttrRPCSystem, fEventType)
	t.putStr(attrs, AttrAPIVersion, fAPIVersion)
	t.putStr(attrs, AttrRPCService, fEventSource)
	t.putStr(attrs, AttrRequestID, fRequestID)
	t.putStr(attrs, AttrEventCategory, fEventCategory)
	t.putBool(attrs, AttrReadOnly, fReadOnly)
	t.putBool(attrs, AttrManagementEvent, fManagementEvent)
}

func (t *recordTranslator) putCallerAttrs(attrs pcommon.Map) {
	t.putStr(attrs, AttrSourceAddress, fSourceIPAddress)
	t.putStr(attrs, AttrUserAgentOriginal, fUserAgent)
	t.putBool(attrs, AttrSessionConsole, fSessionCredentialFromConsole)
	if ui, ok := t.f.mapOf(fUserIdentity); ok {
		putUserIdentity(attrs, ui)
	}
	if tls, ok := t.f.mapOf(fTLSDetails); ok {
		putTLSDetails(attrs, tls)
	}
}

func (t *recordTranslator) putErrorAttrs(attrs pcommon.Map) {
	t.putStr(attrs, AttrErrorCode, fErrorCode)
	t.putStr(attrs, AttrErrorMessage, fErrorMessage)
	t.putStr(attrs, AttrSharedEventID, fSharedEventID)
}

// putNestedAttrs maps the nested objects; a value that is not an object
// (AWS sometimes sends a string) adds no attribute and stays in the body.
func (t *recordTranslator) putNestedAttrs(attrs pcommon.Map) {
	t.putMap(attrs, AttrInsightDetails, fInsightDetails)
	t.putMap(attrs, AttrRequestParameters, fRequestParameters)
	t.putMap(attrs, AttrResponseElements, fResponseElements)
	t.putMap(attrs, AttrAdditionalEventData, fAdditionalEventData)
	if v, ok := t.f.get(fResources); ok {
		putResources(attrs, v)
	}
}

func (t *recordTranslator) putMap(attrs pcommon.Map, name string, f field) {
	v, ok := t.f.get(f)
	if !ok || v.Type() != pcommon.ValueTypeMap {
		return
	}
	if t.copyMaps {
		v.CopyTo(attrs.PutEmpty(name))
	} else {
		v.MoveTo(attrs.PutEmpty(name))
	}
}

// lookoutNames returns the Lookout for Metrics names of the event, or nil
// for events of other sources or without any.
func (t *recordTranslator) lookoutNames() *lookoutNames {
	if src, _ := t.f.str(fEventSource); !strings.EqualFold(src, LookoutMetricsEventSource) {
		return nil
	}
	var n lookoutNames
	for _, f := range []field{fRequestParameters, fResponseElements} {
		if m, ok := t.f.mapOf(f); ok {
			n.collect(m)
		}
	}
	n.deriveNames()
	if n == (lookoutNames{}) {
		return nil
	}
	return &n
}
