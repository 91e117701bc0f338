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
	"strings"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
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

// responseCheck runs on the raw response of every attempt, before the SDK decodes it, and
// refuses a 2xx response that is not a LookupEvents result. Error responses are the SDK's
// to decode.
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
	body, err := readBody(resp)
	if err != nil {
		return out, md, err
	}
	return out, md, checkResult(resp.Header.Get("Content-Type"), body)
})

// readBody reads the whole body, closes it, and puts the bytes back for the SDK. A
// Content-Length sizes the buffer at once: a page is about 100 KB, and growing a buffer
// to it by doubling leaves twice that to the garbage collector on every request. Only up
// to maxPresizeBytes is taken on trust: a body that announces more than it sends (a
// broken proxy, a hostile endpoint) must not cost what it announces.
func readBody(resp *smithyhttp.Response) ([]byte, error) {
	var buf bytes.Buffer
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

// resultShape is what checkResult reads of a result: only whether it has an error type.
// Decoding into it validates the whole body and copies none of its members.
// (encoding/json matches the key without regard to case: an "__TYPE" is refused too).
type resultShape struct {
	Type json.RawMessage `json:"__type"`
}

// checkResult accepts a JSON object without an error type, served as JSON. A result
// without an Events member is accepted (the SDK reads it as a page without events), as
// AWS may leave an empty list out.
func checkResult(contentType string, body []byte) error {
	if !isJSONMediaType(contentType) {
		return fmt.Errorf("%w: content type %.64q", ErrMalformedResponse, contentType)
	}
	var top *resultShape
	if err := json.Unmarshal(body, &top); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedResponse, err)
	}
	if top == nil {
		return fmt.Errorf("%w: null", ErrMalformedResponse)
	}
	if len(top.Type) > 0 { // present, even as null
		return fmt.Errorf("%w: HTTP 2xx with error type %.64s", ErrMalformedResponse, top.Type)
	}
	return nil
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
