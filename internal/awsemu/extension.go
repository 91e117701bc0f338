// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"net/http"
	"time"
)

// APIError is an AWS error answer: the HTTP status, the error code (e.g.
// "AccessDeniedException"), the message and, for restJson1 APIs, further members.
type APIError = apiError

// An Extension serves, next to CloudTrail and STS, an AWS API that is addressed
// without X-Amz-Target (a restJson1 API such as Lookout for Metrics, which the demo
// module adds). The server calls it for every request without X-Amz-Target, or not
// POSTed, when Options.Fallback is nil.
//
// rec is the request's record: its time on Options.Clock, request ID, the access key,
// account and region of the SigV4 credential (AuthError tells why there is none). The
// extension may set rec.Operation; the server sets rec.Status and, for 4xx and 5xx,
// rec.ErrorCode from the X-Amzn-ErrorType header, logs the record when ServeAWS returns,
// and holds the answer until Options.MinLatency has passed. ServeAWS returns false,
// having written nothing, when no operation matches the request: the server then
// answers 404 UnknownOperationException.
type Extension interface {
	ServeAWS(w http.ResponseWriter, r *http.Request, rec *RequestRecord) bool
}

// SetExtension installs e. Call it before the server serves.
func (s *Server) SetExtension(e Extension) { s.ext = e }

// serveExtension serves a request without X-Amz-Target through the extension.
func (s *Server) serveExtension(w http.ResponseWriter, r *http.Request, reqID string) {
	started := time.Now()
	rec := s.newRecord(r, "", reqID)
	defer s.finish(rec)
	sw := &statusWriter{ResponseWriter: w, hold: func() {
		Sleep(r.Context(), s.opts.MinLatency-time.Since(started))
	}}
	if s.ext == nil || !s.ext.ServeAWS(sw, r, rec) {
		rec.Operation = operationName(r, "")
		s.fail(sw, rec, &apiError{Status: http.StatusNotFound, Code: "UnknownOperationException",
			Message: "no operation matches " + r.Method + " " + r.URL.Path})
		return
	}
	rec.Status = sw.status()
	if rec.Status >= 400 {
		rec.ErrorCode = sw.Header().Get("X-Amzn-ErrorType")
	}
}

// AuthError returns why the request carried no usable SigV4 credential, or nil.
func (r *RequestRecord) AuthError() *APIError {
	if r.authErr == nil {
		return nil
	}
	e := *r.authErr
	return &e
}

// Principal returns the caller behind an access key (Options.Principals); unknown keys
// are an IAM user named "user-<key in lower case>".
func (s *Server) Principal(akid string) Principal { return s.principal(akid) }

// Denied reports whether calls with the access key are denied (Options.DeniedAccessKeys).
func (s *Server) Denied(akid string) bool { return s.denied(akid) }

// InjectedError draws, under the ErrorRate fault knob, whether to fail a request, and
// returns the 500 InternalFailure or 503 ServiceUnavailable to answer, or nil.
func (s *Server) InjectedError() *APIError {
	return s.faults.injectedError(s.Faults().ErrorRate)
}

// RecordCall adds the CloudTrail event of a call to the store. It becomes visible
// after Options.DeliveryDelay, plus the late-delivery extra when that fault knob hits;
// spec.DeliveryDelay is overwritten.
func (s *Server) RecordCall(spec RecordSpec) {
	spec.DeliveryDelay = s.opts.DeliveryDelay() + s.faults.lateExtra()
	s.store.Add(NewRecord(spec))
}

// Apply sets the identity fields of spec (type, user or session name, role, access key)
// to those of p calling with akid.
func (p Principal) Apply(spec *RecordSpec, akid string) { p.apply(spec, akid) }

// IdentityARN returns the ARN of the caller that spec's record names in its
// userIdentity, e.g. "arn:aws:iam::123456789012:user/alice".
func (spec RecordSpec) IdentityARN() string { return spec.withDefaults().identity().ARN }

// HandleAdmin serves method /_awsemu/<name> with h, next to the built-in admin
// endpoints. Call it before the server serves.
func (s *Server) HandleAdmin(method, name string, h http.HandlerFunc) {
	s.admin.handlers[method+" "+name] = h
}

// RunJob runs fn as a job of the server: on a context that Close cancels (Close waits
// for it), counted in /_awsemu/stats as workloadsRunning while it runs. With wait it
// runs fn before returning, else in a new goroutine.
func (s *Server) RunJob(wait bool, fn func(ctx context.Context)) {
	a := s.admin
	a.mu.Lock()
	ctx := a.ctx
	a.running++
	a.wg.Add(1)
	a.mu.Unlock()
	done := func() {
		a.mu.Lock()
		a.running--
		a.mu.Unlock()
		a.wg.Done()
	}
	if wait {
		defer done()
		fn(ctx)
		return
	}
	go func() {
		defer done()
		fn(ctx)
	}()
}
