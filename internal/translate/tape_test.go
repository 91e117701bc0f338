// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookupFieldIgnoresCase(t *testing.T) {
	for f, name := range fieldNames {
		got, ok := exactField(name)
		require.True(t, ok, name)
		assert.Equal(t, field(f), got, name)
	}
	for key, want := range map[string]field{
		"eventSource": fEventSource, "EVENTSOURCE": fEventSource, "eventſource": fEventSource, // U+017F folds to s
		"recipientaccountid": fRecipientAccountID, "tlsdetails": fTLSDetails,
	} {
		got, ok := lookupField(key, isASCII(key))
		require.True(t, ok, key)
		assert.Equal(t, want, got, key)
	}
	for _, key := range []string{"eventSources", "eventSourc", "event_source", "p_event_time", ""} {
		_, ok := lookupField(key, isASCII(key))
		assert.False(t, ok, key)
	}
}

// TestEscapedKeysFoldLikeTheirText: a key is matched by its decoded text,
// so an escaped 'ſ' (which folds to 's') still names eventSource.
func TestEscapedKeysFoldLikeTheirText(t *testing.T) {
	lr := translateOne(t, `{"event\u017fource":"lookoutmetrics.amazonaws.com","userIdentity":{"u\u017ferName":"fred"},`+
		`"requestParameters":{"\u0041lertArn":"arn:aws:lookoutmetrics:us-east-2:123456789012:Alert:a1"}}`)
	assert.Equal(t, map[string]any{
		AttrRPCService: "lookoutmetrics.amazonaws.com", AttrUserName: "fred",
		AttrRequestParameters:      map[string]any{"AlertArn": "arn:aws:lookoutmetrics:us-east-2:123456789012:Alert:a1"},
		AttrLookoutMetricsAlertARN: "arn:aws:lookoutmetrics:us-east-2:123456789012:Alert:a1", AttrLookoutMetricsAlertName: "a1",
	}, lr.Attributes().AsRaw())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// TestNestedKeysAsAMapHoldsThem: nested fields follow the rules of the map
// the record would be: for a repeated key the last value wins, an exact
// match comes before one ignoring case, and an exact null hides the others.
func TestNestedKeysAsAMapHoldsThem(t *testing.T) {
	lr := translateOne(t, `{"userIdentity":{"userName":"first","UserName":"folded","userName":"last",`+
		`"ARN":"folded-arn","type":null,"Type":"hidden","accountid":"1","AccountID":"2",`+
		`"sessionContext":{"sessionIssuer":{"arn":"x"}},"sessionContext":{"sessionIssuer":{"arn":"y"}}}}`)
	assert.Equal(t, map[string]any{
		AttrUserName: "last", AttrPrincipalARN: "folded-arn", AttrUserIdentityAccountID: "1",
		AttrSessionIssuerARN: "y",
	}, lr.Attributes().AsRaw())
}

func TestErrorNamesEventIDReadBeforeIt(t *testing.T) {
	for rec, want := range map[string]string{
		`{"eventID":"a","eventName":"Get`:          `cloudtrail record "a": `,
		`{"eventID":12,x}`:                         `cloudtrail record "12": `,
		`{"eventID":"a","eventID":`:                `cloudtrail record: `,
		`{"eventID":"a","eventID"`:                 `cloudtrail record "a": `,
		`{"EventId":"b","x":[1,{"eventID":"c"`:     `cloudtrail record "b": `,
		`{"eventID":null,"EventId":"b","x":nul}`:   `cloudtrail record: `,
		`{"eventID":{"a":1},"x":01}`:               `cloudtrail record: `,
		`{"requestParameters":{},"eventID":true,}`: `cloudtrail record "true": `,
	} {
		err := NewBatch(Options{}).AddString(rec, time.Time{}, time.Time{})
		require.Error(t, err, rec)
		assert.Regexp(t, "^"+regexpQuote(want)+"invalid JSON", err.Error(), rec)
	}
}

func regexpQuote(s string) string {
	out := ""
	for _, c := range s {
		if c == '"' || c == ':' || c == ' ' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			out += string(c)
		} else {
			out += `\` + string(c)
		}
	}
	return out
}

// TestAddStringSharesTheRecord: AddString keeps the record's memory instead
// of copying it (the raw body is the record itself); Add copies it once.
func TestAddStringSharesTheRecord(t *testing.T) {
	rec := `{"eventID":"e1","eventName":"DescribeAnomalyDetector","awsRegion":"us-east-2"}`
	b := NewBatch(Options{Body: BodyRaw})
	require.NoError(t, b.AddString(rec, time.Time{}, fixedObserved))
	buf := []byte(rec)
	require.NoError(t, b.Add(buf, time.Time{}, fixedObserved))
	buf[0] = 'x'
	lrs := b.Logs().ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	shared, copied := lrs.At(0).Body().Str(), lrs.At(1).Body().Str()
	assert.Equal(t, rec, shared)
	assert.Equal(t, rec, copied)
	assert.Equal(t, unsafe.StringData(rec), unsafe.StringData(shared))
	assert.True(t, lrs.At(0).Attributes().Equal(lrs.At(1).Attributes()))
}
