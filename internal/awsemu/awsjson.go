// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	jsonContentType = "application/x-amz-json-1.1"
	maxBodyBytes    = 1 << 20
)

// operation is one awsJson1_1 operation, addressed by X-Amz-Target.
type operation struct {
	name    string // e.g. "LookupEvents"
	service string // the IAM service prefix, e.g. "cloudtrail"
	quota   bool   // subject to the per account-region token bucket
	handle  func(c *call) (any, *apiError)
}

// call is one authenticated request to an operation.
type call struct {
	ctx     context.Context
	account string
	region  string
	now     time.Time
	body    []byte
}

// apiError is an AWS error response; awsJson1_1 encodes it as
// {"__type":Code,"message":Message}, the shape the SDK deserializers read;
// restJson1 as {"message":Message, Extra...} with an X-Amzn-ErrorType header.
type apiError struct {
	Status  int
	Code    string
	Message string
	Extra   map[string]any // further error members (ResourceId, Fields, Reason...)
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func badRequest(code, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// serveJSON serves one awsJson1_1 request: auth, faults, quota, then the operation.
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, target, reqID string) {
	started := time.Now()
	rec := s.newRecord(r, target, reqID)
	defer s.finish(rec)
	out, aerr := s.process(r, rec, target)
	Sleep(r.Context(), s.opts.MinLatency-time.Since(started))
	if aerr != nil {
		s.fail(w, rec, aerr)
		return
	}
	s.succeed(w, rec, out)
}

func (s *Server) process(r *http.Request, rec *RequestRecord, target string) (any, *apiError) {
	op, ok := s.targets[target]
	if !ok {
		return nil, badRequest("UnknownOperationException", "unknown operation %q", target)
	}
	rec.Operation, rec.Service = op.name, op.service
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return nil, badRequest("SerializationException", "reading body: %v", err)
	}
	if aerr := s.admit(r.Context(), rec, op); aerr != nil {
		return nil, aerr
	}
	return op.handle(&call{ctx: r.Context(), account: rec.Account, region: rec.Region, now: s.opts.Clock(), body: body})
}

// admit applies, in order: authentication, a region the account has not enabled
// (CloudTrail), injected latency, a throttle storm, the quota and the injected 5xx
// error rate.
func (s *Server) admit(ctx context.Context, rec *RequestRecord, op operation) *apiError {
	if rec.authErr != nil {
		return rec.authErr
	}
	if op.service == "cloudtrail" && s.regionDisabled(rec.Account, rec.Region) {
		return regionNotEnabled()
	}
	f := s.Faults()
	Sleep(ctx, f.Latency)
	now := s.opts.Clock()
	if s.faults.storming(now) {
		return throttled()
	}
	if op.quota && !s.quota.allow(rec.Account, rec.Region, now) {
		return throttled()
	}
	return s.faults.injectedError(f.ErrorRate)
}

func throttled() *apiError {
	return badRequest("ThrottlingException", "Rate exceeded")
}

func (s *Server) fail(w http.ResponseWriter, rec *RequestRecord, e *apiError) {
	rec.Status, rec.ErrorCode = e.Status, e.Code
	writeAPIError(w, e)
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	doc := map[string]any{"__type": e.Code, "message": e.Message}
	for k, v := range e.Extra {
		doc[k] = v
	}
	body, _ := json.Marshal(doc)
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

func (s *Server) succeed(w http.ResponseWriter, rec *RequestRecord, out any) {
	body, err := json.Marshal(out)
	if err != nil {
		s.fail(w, rec, &apiError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()})
		return
	}
	if s.Faults().TruncateResponses {
		body = body[:len(body)/2]
		rec.Truncated = true
	}
	rec.Status = http.StatusOK
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body))) // as AWS sends it, not chunked
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// parseCredential extracts the access key ID and region from a SigV4 Authorization
// header: "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...".
// The signature is not verified.
func parseCredential(auth string) (akid, region string, e *apiError) {
	if auth == "" {
		return "", "", &apiError{Status: http.StatusBadRequest, Code: "MissingAuthenticationTokenException",
			Message: "Missing Authentication Token"}
	}
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok || !strings.HasPrefix(auth, "AWS4-HMAC-SHA256") {
		return "", "", badRequest("IncompleteSignatureException", "Authorization header requires 'Credential' parameter")
	}
	if i := strings.IndexAny(rest, ", "); i >= 0 {
		rest = rest[:i]
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 5 || parts[0] == "" || parts[2] == "" || parts[4] != "aws4_request" {
		return "", "", badRequest("IncompleteSignatureException", "malformed credential scope %q", rest)
	}
	return parts[0], parts[2], nil
}

// statusWriter remembers the status code a handler wrote.
// Before the first write it calls hold, once.
type statusWriter struct {
	http.ResponseWriter
	hold func()
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
		w.hold()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return formatUUID(b)
}

// formatUUID sets the version 4 and variant bits of b and formats it.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:16])
	return string(out[:])
}
