// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package contribstandin

import (
	"strings"
	"time"

	gojson "github.com/goccy/go-json"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// record is one CloudTrail record as the general decoder fills it.
type record struct {
	EventVersion                 string `json:"eventVersion"`
	EventTime                    string `json:"eventTime"`
	EventSource                  string `json:"eventSource"`
	EventName                    string `json:"eventName"`
	AWSRegion                    string `json:"awsRegion"`
	SourceIPAddress              string `json:"sourceIPAddress"`
	UserAgent                    string `json:"userAgent"`
	RequestID                    string `json:"requestID"`
	EventID                      string `json:"eventID"`
	EventType                    string `json:"eventType"`
	EventCategory                string `json:"eventCategory"`
	APIVersion                   string `json:"apiVersion"`
	RecipientAccountID           string `json:"recipientAccountId"`
	ErrorCode                    string `json:"errorCode"`
	ErrorMessage                 string `json:"errorMessage"`
	SharedEventID                string `json:"sharedEventID"`
	ReadOnly                     any    `json:"readOnly"`
	ManagementEvent              any    `json:"managementEvent"`
	SessionCredentialFromConsole any    `json:"sessionCredentialFromConsole"`
	UserIdentity                 any    `json:"userIdentity"`
	TLSDetails                   any    `json:"tlsDetails"`
	RequestParameters            any    `json:"requestParameters"`
	ResponseElements             any    `json:"responseElements"`
	AdditionalEventData          any    `json:"additionalEventData"`
	InsightDetails               any    `json:"insightDetails"`
	Resources                    any    `json:"resources"`
}

type resourceKey struct{ account, region string }

// Batch accumulates records into one plog.Logs, a ResourceLogs per (account, region), as
// translate.Batch does.
type Batch struct {
	logs    plog.Logs
	records map[resourceKey]plog.LogRecordSlice
	n       int
}

// NewBatch returns an empty Batch.
func NewBatch() *Batch {
	b := &Batch{}
	b.reset()
	return b
}

func (b *Batch) reset() {
	b.logs = plog.NewLogs()
	b.records = make(map[resourceKey]plog.LogRecordSlice)
	b.n = 0
}

// Len returns the number of log records in the batch.
func (b *Batch) Len() int { return b.n }

// Logs hands over the accumulated logs and resets the Batch.
func (b *Batch) Logs() plog.Logs {
	out := b.logs
	b.reset()
	return out
}

// Add decodes one record and appends its log record. A record the decoder refuses is an
// error and adds nothing.
func (b *Batch) Add(data []byte, observed time.Time) error {
	var r record
	if err := gojson.Unmarshal(data, &r); err != nil {
		return err
	}
	lr := b.destination(&r).AppendEmpty()
	b.n++
	if t, err := time.Parse(time.RFC3339, r.EventTime); err == nil {
		lr.SetTimestamp(pcommon.NewTimestampFromTime(t))
	}
	lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(observed))
	lr.SetSeverityNumber(plog.SeverityNumberInfo)
	if r.ErrorCode != "" {
		lr.SetSeverityNumber(plog.SeverityNumberWarn)
	}
	setAttributes(lr.Attributes(), &r)
	return nil
}

func (b *Batch) destination(r *record) plog.LogRecordSlice {
	key := resourceKey{account: r.RecipientAccountID, region: r.AWSRegion}
	if key.account == "" {
		key.account, _ = object(r.UserIdentity)["accountId"].(string)
	}
	if records, ok := b.records[key]; ok {
		return records
	}
	rl := b.logs.ResourceLogs().AppendEmpty()
	attrs := rl.Resource().Attributes()
	attrs.PutStr(translate.AttrCloudProvider, translate.CloudProviderAWS)
	if key.region != "" {
		attrs.PutStr(translate.AttrCloudRegion, key.region)
	}
	if key.account != "" {
		attrs.PutStr(translate.AttrCloudAccountID, key.account)
	}
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	b.records[key] = records
	return records
}

func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func putStr(attrs pcommon.Map, name, s string) {
	if s != "" {
		attrs.PutStr(name, s)
	}
}

// putAny puts a string value of m[key] as attribute name.
func putAny(attrs pcommon.Map, name string, m map[string]any, key string) {
	if s, ok := m[key].(string); ok && s != "" {
		attrs.PutStr(name, s)
	}
}

// putBool puts a JSON bool, or the string "true" or "false", as a bool attribute.
func putBool(attrs pcommon.Map, name string, v any) {
	switch v := v.(type) {
	case bool:
		attrs.PutBool(name, v)
	case string:
		if v == "true" || v == "false" {
			attrs.PutBool(name, v == "true")
		}
	}
}

func putMap(attrs pcommon.Map, name string, v any) {
	if m := object(v); m != nil {
		_ = attrs.PutEmptyMap(name).FromRaw(m)
	}
}

func setAttributes(attrs pcommon.Map, r *record) {
	putStr(attrs, translate.AttrEventVersion, r.EventVersion)
	putStr(attrs, translate.AttrEventID, r.EventID)
	putStr(attrs, translate.AttrLogRecordUID, r.EventID)
	putStr(attrs, translate.AttrRPCMethod, r.EventName)
	putStr(attrs, translate.AttrRPCSystem, r.EventType)
	putStr(attrs, translate.AttrAPIVersion, r.APIVersion)
	putStr(attrs, translate.AttrRPCService, r.EventSource)
	putStr(attrs, translate.AttrRequestID, r.RequestID)
	putStr(attrs, translate.AttrEventCategory, r.EventCategory)
	putBool(attrs, translate.AttrReadOnly, r.ReadOnly)
	putBool(attrs, translate.AttrManagementEvent, r.ManagementEvent)
	putStr(attrs, translate.AttrSourceAddress, r.SourceIPAddress)
	putStr(attrs, translate.AttrUserAgentOriginal, r.UserAgent)
	putBool(attrs, translate.AttrSessionConsole, r.SessionCredentialFromConsole)
	setIdentity(attrs, object(r.UserIdentity))
	if tls := object(r.TLSDetails); tls != nil {
		if v, ok := tls["tlsVersion"].(string); ok && v != "" {
			attrs.PutStr(translate.AttrTLSProtocolVersion, strings.TrimPrefix(v, "TLSv"))
		}
		putAny(attrs, translate.AttrTLSCipher, tls, "cipherSuite")
		putAny(attrs, translate.AttrServerAddress, tls, "clientProvidedHostHeader")
	}
	putStr(attrs, translate.AttrErrorCode, r.ErrorCode)
	putStr(attrs, translate.AttrErrorMessage, r.ErrorMessage)
	putStr(attrs, translate.AttrSharedEventID, r.SharedEventID)
	putMap(attrs, translate.AttrInsightDetails, r.InsightDetails)
	putMap(attrs, translate.AttrRequestParameters, r.RequestParameters)
	putMap(attrs, translate.AttrResponseElements, r.ResponseElements)
	putMap(attrs, translate.AttrAdditionalEventData, r.AdditionalEventData)
	setResources(attrs, r.Resources)
}

func setIdentity(attrs pcommon.Map, ui map[string]any) {
	if ui == nil {
		return
	}
	putAny(attrs, translate.AttrUserID, ui, "userId")
	putAny(attrs, translate.AttrUserName, ui, "userName")
	putAny(attrs, translate.AttrUserIdentityAccountID, ui, "accountId")
	putAny(attrs, translate.AttrAccessKeyID, ui, "accessKeyId")
	putAny(attrs, translate.AttrIdentityStoreARN, ui, "identityStoreArn")
	putAny(attrs, translate.AttrUserIdentityInvokedBy, ui, "invokedBy")
	putAny(attrs, translate.AttrPrincipalID, ui, "principalId")
	putAny(attrs, translate.AttrPrincipalARN, ui, "arn")
	putAny(attrs, translate.AttrPrincipalType, ui, "type")
	sc := object(ui["sessionContext"])
	if a := object(sc["attributes"]); a != nil {
		putBool(attrs, translate.AttrSessionMFAAuthenticated, a["mfaAuthenticated"])
		putAny(attrs, translate.AttrSessionCreationDate, a, "creationDate")
	}
	if is := object(sc["sessionIssuer"]); is != nil {
		putAny(attrs, translate.AttrSessionIssuerType, is, "type")
		putAny(attrs, translate.AttrSessionIssuerPrincipalID, is, "principalId")
		putAny(attrs, translate.AttrSessionIssuerARN, is, "arn")
		putAny(attrs, translate.AttrSessionIssuerAccountID, is, "accountId")
		putAny(attrs, translate.AttrSessionIssuerUserName, is, "userName")
	}
}

// setResources puts resources[] as a slice of maps of accountId, type and ARN (or arn).
func setResources(attrs pcommon.Map, v any) {
	list, _ := v.([]any)
	var s pcommon.Slice
	for _, e := range list {
		res := object(e)
		if res == nil {
			continue
		}
		if s == (pcommon.Slice{}) {
			s = attrs.PutEmptySlice(translate.AttrResources)
		}
		m := s.AppendEmpty().SetEmptyMap()
		putAny(m, translate.ResourceKeyAccountID, res, "accountId")
		putAny(m, translate.ResourceKeyType, res, "type")
		if _, ok := res["ARN"]; ok {
			putAny(m, translate.ResourceKeyARN, res, "ARN")
		} else {
			putAny(m, translate.ResourceKeyARN, res, "arn") // as some published records spell it
		}
	}
}
