// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package trailfeed

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// recordHead holds the record members that decide an EventBridge event's detail-type and
// source.
type recordHead struct {
	EventType     string `json:"eventType"`
	EventCategory string `json:"eventCategory"`
	EventSource   string `json:"eventSource"`
	EventTime     string `json:"eventTime"`
}

// ebHead is an EventBridge event without its detail, in AWS's member order.
type ebHead struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
}

// EventBridgeEvent returns the event EventBridge delivers for a CloudTrail record
// (record, its JSON, as the trail holds it) of account and region:
//
//	{"version":"0","id":..,"detail-type":"AWS API Call via CloudTrail","source":"aws.<service>",
//	 "account":..,"time":<eventTime>,"region":..,"resources":[],"detail":<record>}
//
// detail is the record byte for byte. detail-type follows eventType (AwsApiCall,
// AwsConsoleSignIn, AwsServiceEvent) and eventCategory (Insight); source is "aws." plus
// the eventSource's service ("aws.signin" for sign-ins, "aws.cloudtrail" for Insights, as
// AWS sends them). resources is empty, as in AWS's CloudTrail events. id is a new UUID.
func EventBridgeEvent(account, region string, record []byte) ([]byte, error) {
	var h recordHead
	if err := json.Unmarshal(record, &h); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	detailType, source := "AWS API Call via CloudTrail", serviceSource(h.EventSource)
	switch {
	case h.EventCategory == "Insight":
		detailType, source = "AWS Insight via CloudTrail", "aws.cloudtrail"
	case h.EventType == "AwsConsoleSignIn":
		detailType, source = "AWS Console Sign In via CloudTrail", "aws.signin"
	case h.EventType == "AwsServiceEvent":
		detailType = "AWS Service Event via CloudTrail"
	}
	head, err := json.Marshal(ebHead{Version: "0", ID: newUUID(), DetailType: detailType, Source: source,
		Account: account, Time: h.EventTime, Region: region, Resources: []string{}})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(head)+len(record)+12)
	out = append(out, head[:len(head)-1]...)
	out = append(out, `,"detail":`...)
	out = append(out, record...)
	return append(out, '}'), nil
}

// serviceSource is the EventBridge source of an eventSource: "lookoutmetrics.amazonaws.com"
// is "aws.lookoutmetrics".
func serviceSource(eventSource string) string {
	svc, _, _ := strings.Cut(eventSource, ".")
	if svc == "" {
		return "aws.cloudtrail"
	}
	return "aws." + svc
}

// TrailKey is the object key CloudTrail gives a log file of account and region delivered
// at t: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz,
// id being 16 random letters and digits.
func TrailKey(account, region string, t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
		account, region, t.Format("2006/01/02"), account, region, t.Format("20060102T1504Z"), fileID())
}

// TrailFile returns the gzip log file {"Records":[...]} of records, each byte for byte.
func TrailFile(records [][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(`{"Records":[`))
	for i, r := range records {
		if i > 0 {
			_, _ = zw.Write([]byte{','})
		}
		_, _ = zw.Write(r)
	}
	_, _ = zw.Write([]byte(`]}`))
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncodeKey writes an object key as S3 event notifications do: form encoding (a space is
// '+'), with the '/' separators kept.
func EncodeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.QueryEscape(p)
	}
	return strings.Join(parts, "/")
}

// ObjectCreated describes a created object for S3EventNotification.
type ObjectCreated struct {
	Bucket, Key, Region string // Region: the bucket's
	Size                int64
	ETag                string // with or without the quotes S3 answers it with
	Sequencer           string
	Time                time.Time
	SourceIP            string
}

type s3Notification struct {
	Records []s3NotificationRecord `json:"Records"`
}

type s3NotificationRecord struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      principal         `json:"userIdentity"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements"`
	S3                s3Entity          `json:"s3"`
}

type principal struct {
	PrincipalID string `json:"principalId"`
}

type s3Entity struct {
	SchemaVersion   string   `json:"s3SchemaVersion"`
	ConfigurationID string   `json:"configurationId"`
	Bucket          s3Bucket `json:"bucket"`
	Object          s3Object `json:"object"`
}

type s3Bucket struct {
	Name          string    `json:"name"`
	OwnerIdentity principal `json:"ownerIdentity"`
	ARN           string    `json:"arn"`
}

type s3Object struct {
	Key       string `json:"key"`
	Size      int64  `json:"size"`
	ETag      string `json:"eTag"`
	Sequencer string `json:"sequencer"`
}

// cloudTrailDeliveryPrincipal is the principal that delivers CloudTrail's log files.
const cloudTrailDeliveryPrincipal = "AWS:AROAEXAMPLECLOUDTRAIL:regional-delivery"

// S3EventNotification returns the S3 event notification (eventVersion 2.1,
// s3:ObjectCreated:Put) that S3 sends to a queue for o, in AWS's exact shape, the key
// form-encoded.
func S3EventNotification(o ObjectCreated) ([]byte, error) {
	rec := s3NotificationRecord{
		EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: o.Region,
		EventTime:         o.Time.UTC().Format("2006-01-02T15:04:05.000Z"),
		EventName:         "ObjectCreated:Put",
		UserIdentity:      principal{PrincipalID: cloudTrailDeliveryPrincipal},
		RequestParameters: map[string]string{"sourceIPAddress": o.SourceIP},
		ResponseElements:  map[string]string{"x-amz-request-id": strings.ToUpper(randomHex(8)), "x-amz-id-2": randomHex(32)},
		S3: s3Entity{SchemaVersion: "1.0", ConfigurationID: "cloudtrail-log-files",
			Bucket: s3Bucket{Name: o.Bucket, OwnerIdentity: principal{PrincipalID: "A3NL1KOZZKEXAMPLE"}, ARN: "arn:aws:s3:::" + o.Bucket},
			Object: s3Object{Key: EncodeKey(o.Key), Size: o.Size, ETag: strings.Trim(o.ETag, `"`), Sequencer: o.Sequencer}},
	}
	return json.Marshal(s3Notification{Records: []s3NotificationRecord{rec}})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// fileID is the random part of a log file's name.
func fileID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b)
}
