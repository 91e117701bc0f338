// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/aws/smithy-go/middleware"
	smithytime "github.com/aws/smithy-go/time"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// ErrMalformedResponse is a 2xx LookupEvents response that is not a LookupEvents result:
// not JSON (a captive portal's or a proxy's HTML page), empty, cut short, or shaped like
// an error. The SDK alone takes an empty, null or error-shaped 2xx body for a page
// without events, and the poller would move its checkpoint past events it never read.
// Classify sorts it as KindServer: retried with backoff, and nothing advances.
var ErrMalformedResponse = errors.New("malformed LookupEvents response")

// maxResponseBytes bounds the one LookupEvents response held in memory: 50 events of
// CloudTrail's largest records, JSON-escaped, fit several times over.
const maxResponseBytes = 64 << 20

// maxPresizeBytes is the largest Content-Length readBody sizes its buffer by at once: ten
// times a usual page; a larger body grows the buffer as it arrives.
const maxPresizeBytes = 1 << 20

// responseCheck runs on the raw response of every attempt, before the SDK decodes it. It
// refuses a 2xx response that is not a LookupEvents result, and decodes one that is into
// a lookupResult, which it leaves in the response's metadata (resultOf); the SDK's own
// decoder then reads an empty object. The SDK's decoder builds a tree of maps and
// interfaces for the whole page before it copies the members out: about three quarters
// of what the receiver allocated when catching up, and, for the pages being decoded at
// once, a large part of its live heap. Decoded straight into typed fields, a page costs
// its strings. Error responses are the SDK's to decode.
var responseCheck = middleware.DeserializeMiddlewareFunc("awscloudtrailResponseCheck", func(
	ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler,
) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return out, md, nil
	}
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	body, err := readBodyInto(resp, buf)
	if err != nil {
		return out, md, err // the error's response still reads buf: not reused
	}
	res, err := decodeResult(resp.Header.Get("Content-Type"), body)
	if err != nil {
		return out, md, err
	}
	if res == nil { // the SDK's decoder reads the body in buf: not reused
		return out, md, nil
	}
	md.Set(resultKey{}, res)
	resp.Body = io.NopCloser(strings.NewReader("{}"))
	if buf.Cap() <= maxPooledBytes { // res holds copies: nothing reads buf any more
		bodies.Put(buf)
	}
	return out, md, nil
})

// resultKey keys the decoded result in a response's metadata.
type resultKey struct{}

// resultOf returns the result responseCheck decoded, if it did.
func resultOf(md middleware.Metadata) (*lookupResult, bool) {
	res, ok := md.Get(resultKey{}).(*lookupResult)
	return res, ok
}

// readBody reads the whole body, closes it, and puts the bytes back for the SDK. A
// Content-Length sizes the buffer at once: a page is about 100 KB, and growing a buffer
// to it by doubling leaves twice that to the garbage collector on every request. Only up
// to maxPresizeBytes is taken on trust: a body that announces more than it sends (a
// broken proxy, a hostile endpoint) must not cost what it announces.
func readBody(resp *smithyhttp.Response) ([]byte, error) {
	return readBodyInto(resp, new(bytes.Buffer))
}

// bodies keeps the buffers of pages decoded and let go (see responseCheck), so that a
// page of 100 KB does not allocate its buffer again on every request.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBytes bounds the buffers kept in bodies: a rare large page is not held.
const maxPooledBytes = 1 << 20

// readBodyInto is readBody into buf (empty).
func readBodyInto(resp *smithyhttp.Response, buf *bytes.Buffer) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n <= maxPresizeBytes {
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom asks for MinRead free bytes before it sees EOF
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes+1))
	body := buf.Bytes()
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("reading LookupEvents response: %w", err)
	}
	if len(body) > maxResponseBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrMalformedResponse, maxResponseBytes)
	}
	return body, nil
}

// lookupResult is a LookupEvents result as the poller reads it: the members it uses, in
// typed fields, read as the SDK reads them (a member of another JSON type is an error; an
// unknown member is skipped), and the error type of an error-shaped body.
// encoding/json matches member names without regard to case, so an "__TYPE" is an error
// type too.
type lookupResult struct {
	Type      json.RawMessage `json:"__type"`
	Events    eventList       `json:"Events"`
	NextToken *string         `json:"NextToken"`
}

type lookupEvent struct {
	EventID         *string    `json:"EventId"`
	EventName       *string    `json:"EventName"`
	EventTime       *epochTime `json:"EventTime"`
	EventSource     *string    `json:"EventSource"`
	ReadOnly        *string    `json:"ReadOnly"`
	CloudTrailEvent *record    `json:"CloudTrailEvent"`
	// Not used, read only so that a page is refused where the SDK refuses it.
	Username    *string      `json:"Username"`
	AccessKeyID *string      `json:"AccessKeyId"`
	Resources   resourceList `json:"Resources"`
}

type lookupResource struct {
	ResourceType *string `json:"ResourceType"`
	ResourceName *string `json:"ResourceName"`
}

// eventList and resourceList decode an array into a new slice: encoding/json decodes a
// member given twice into the slice of the first, keeping what the second leaves out,
// where the SDK's decoder (and JSON's last-one-wins) takes the second alone.
type (
	eventList    []lookupEvent
	resourceList []lookupResource
)

func (l *eventList) UnmarshalJSON(b []byte) error    { return decodeFresh(b, (*[]lookupEvent)(l)) }
func (l *resourceList) UnmarshalJSON(b []byte) error { return decodeFresh(b, (*[]lookupResource)(l)) }

func decodeFresh[T any](b []byte, dst *[]T) error {
	var fresh []T
	err := json.Unmarshal(b, &fresh)
	*dst = fresh
	return err
}

// record is the CloudTrailEvent member: the record's JSON, a JSON string full of escaped
// quotes. encoding/json unquotes such a string into a buffer and then copies it into a
// string, two allocations of the record's size; cjson.Unquote, which decodes as
// encoding/json does, builds the string in one.
type record string

func (r *record) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' {
		return fmt.Errorf("expected CloudTrailEvent to be a JSON string, got %.32s", b)
	}
	// encoding/json hands over a whole, valid JSON string; its contents are read only
	// for the length of the call.
	*r = record(cjson.Unquote(unsafe.String(unsafe.SliceData(b[1:]), len(b)-2))) //nolint:gosec // read only, within the call: the result is a new string
	return nil
}

// epochTime is a JSON number of seconds since the epoch, as the SDK reads a timestamp of
// the awsJson protocol.
type epochTime time.Time

func (t *epochTime) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || len(b) == 0 || b[0] == '"' {
		return fmt.Errorf("expected a timestamp to be a JSON number, got %.32s", b)
	}
	*t = epochTime(smithytime.ParseEpochSeconds(f))
	return nil
}

// decodeResult accepts a JSON object without an error type, served as JSON, and decodes
// it. A result without an Events member is accepted (a page without events), as AWS may
// leave an empty list out. What is not JSON, not an object or has an error type is
// ErrMalformedResponse; for a member of the wrong type it returns nil and no error: the
// SDK's decoder is left to read the body, as it would (a *smithy.DeserializationError,
// or the page when the member is given again with the right type).
func decodeResult(contentType string, body []byte) (*lookupResult, error) {
	if !isJSONMediaType(contentType) {
		return nil, fmt.Errorf("%w: content type %.64q", ErrMalformedResponse, contentType)
	}
	res := &lookupResult{}
	err := json.Unmarshal(body, res) // checks the whole body is JSON before it decodes
	if syntaxErr := (*json.SyntaxError)(nil); errors.As(err, &syntaxErr) {
		return nil, fmt.Errorf("%w: %w", ErrMalformedResponse, err)
	}
	switch trimmed := bytes.TrimLeft(body, " \t\r\n"); {
	case bytes.HasPrefix(trimmed, []byte("null")):
		return nil, fmt.Errorf("%w: null", ErrMalformedResponse)
	case !bytes.HasPrefix(trimmed, []byte("{")):
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformedResponse)
	}
	if len(res.Type) > 0 { // present, even as null
		return nil, fmt.Errorf("%w: HTTP 2xx with error type %.64s", ErrMalformedResponse, res.Type)
	}
	if err != nil {
		// A member of the wrong type: the SDK's decoder, which refuses it too, unless
		// the member is given again with the right type (its decoder keeps the last one
		// only, encoding/json reports the first), reads the body instead.
		return nil, nil
	}
	return res, nil
}

// isJSONMediaType accepts application/x-amz-json-1.1 (what CloudTrail sends), any other
// awsJson version, and application/json.
func isJSONMediaType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasPrefix(mt, "application/x-amz-json-")
}
