// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// RequestRecord describes one request the server answered.
type RequestRecord struct {
	Time        time.Time // when it was received, by Options.Clock
	RequestID   string    // the x-amzn-RequestId the server answered with
	AccessKeyID string
	Account     string
	Region      string
	Target      string // X-Amz-Target, or "" for fallback requests
	Service     string // the IAM service prefix: "cloudtrail", "sts", "lookoutmetrics"; "" for Options.Fallback
	Operation   string // e.g. "LookupEvents", "ListAnomalyDetectors"; "METHOD /path" when unknown or for Options.Fallback
	Status      int    // HTTP status
	ErrorCode   string // "" on success, else e.g. "ThrottlingException"
	Truncated   bool   // the body was cut by the TruncateResponses fault

	authErr *apiError
}

// Throttled reports whether the request was answered with ThrottlingException.
func (r RequestRecord) Throttled() bool { return r.ErrorCode == "ThrottlingException" }

// Stats counts the requests the server answered.
type Stats struct {
	Requests     int // all requests
	Succeeded    int // HTTP 2xx
	Throttled    int // ThrottlingException
	ClientErrors int // other HTTP 4xx
	ServerErrors int // HTTP 5xx (injected InternalFailure / ServiceUnavailable)
}

type requestLog struct {
	mu      sync.Mutex
	records []RequestRecord
	stats   Stats
}

func (s *Server) newRecord(r *http.Request, target, reqID string) *RequestRecord {
	rec := &RequestRecord{Time: s.opts.Clock(), Target: target, RequestID: reqID}
	rec.Operation = operationName(r, target)
	akid, region, aerr := parseCredential(r.Header.Get("Authorization"))
	rec.AccessKeyID, rec.Region, rec.authErr = akid, region, aerr
	if aerr == nil {
		rec.Account = s.accountFor(akid)
		rec.authErr = s.expired(akid, rec.Time)
	}
	return rec
}

func operationName(r *http.Request, target string) string {
	if target == "" {
		return r.Method + " " + r.URL.Path
	}
	if i := strings.LastIndexByte(target, '.'); i >= 0 {
		return target[i+1:]
	}
	return target
}

// expired is the answer to keys of a session past its expiration at now, when the
// ExpireSessions fault is on; nil otherwise.
func (s *Server) expired(akid string, now time.Time) *apiError {
	if !s.Faults().ExpireSessions {
		return nil
	}
	if ss, ok := s.sessions.get(akid); ok && !now.Before(ss.expires) {
		return badRequest("ExpiredTokenException", "The security token included in the request is expired")
	}
	return nil
}

func (s *Server) accountFor(akid string) string {
	if ss, ok := s.sessions.get(akid); ok {
		return ss.account
	}
	if acct, ok := s.opts.Accounts[akid]; ok {
		return acct
	}
	return s.opts.DefaultAccount
}

func (s *Server) finish(rec *RequestRecord) {
	s.log.add(*rec)
	s.opts.Logger.Debug("awsemu request", "operation", rec.Operation, "account", rec.Account,
		"region", rec.Region, "status", rec.Status, "error", rec.ErrorCode)
}

func (l *requestLog) add(rec RequestRecord) {
	rec.authErr = nil
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, rec)
	l.stats.Requests++
	switch {
	case rec.Status < 300:
		l.stats.Succeeded++
	case rec.Throttled():
		l.stats.Throttled++
	case rec.Status < 500:
		l.stats.ClientErrors++
	default:
		l.stats.ServerErrors++
	}
}

// Requests returns a copy of every request record, in the order requests finished.
func (s *Server) Requests() []RequestRecord {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return slices.Clone(s.log.records)
}

// Stats returns the request counters.
func (s *Server) Stats() Stats {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return s.log.stats
}

// ResetRequests forgets every request record and zeroes the counters.
func (s *Server) ResetRequests() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.records, s.log.stats = nil, Stats{}
}

// MaxInWindow returns the largest number of records whose Time falls within any
// half-open interval [t, t+window). Filter records first to count, e.g., only
// LookupEvents calls of one account.
func MaxInWindow(records []RequestRecord, window time.Duration) int {
	times := make([]time.Time, len(records))
	for i, r := range records {
		times[i] = r.Time
	}
	slices.SortFunc(times, time.Time.Compare)
	best, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= window {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// Filter returns the records for which keep returns true.
func Filter(records []RequestRecord, keep func(RequestRecord) bool) []RequestRecord {
	var out []RequestRecord
	for _, r := range records {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}
