// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// STS (the awsQuery protocol): POST / with a form-encoded body
// (Action=GetCallerIdentity&Version=2011-06-15), answered in XML as AWS answers. It is
// served at the same endpoint as CloudTrail, so a test points AWS_ENDPOINT_URL_STS (or
// an STS client's BaseEndpoint) at the emulator's URL. A request is an STS request
// when it is a POST whose Content-Type is application/x-www-form-urlencoded; no other
// emulated API uses that protocol. With Options.Fallback set, such requests go to the
// fallback instead, as before STS was emulated.
//
// Actions: GetCallerIdentity and AssumeRole (Options.Roles, with the external ID and
// trust checks and the errors of AWS: AccessDenied for a missing, untrusted or
// wrong-external-ID role alike, ValidationError for malformed parameters). The
// Expiration of issued keys is reported but not enforced, so a test clock may jump.
//
// Which account an access key belongs to: the keys AssumeRole issued belong to the
// role's account; other keys to Options.Accounts[key], else to
// Options.DefaultAccount (DefaultAccountID, 123456789012, unless set). So the
// emulator's default keys, and any key it does not know, are the default account.

const (
	stsVersion     = "2011-06-15"
	stsXMLNS       = "https://sts.amazonaws.com/doc/2011-06-15/"
	xmlContentType = "text/xml"
	formMediaType  = "application/x-www-form-urlencoded"
)

// isQueryRequest reports whether r uses the awsQuery protocol (form-encoded POST).
func isQueryRequest(r *http.Request) bool {
	return r.Method == http.MethodPost &&
		strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), formMediaType)
}

// stsCall is one authenticated STS request.
type stsCall struct {
	rec  *RequestRecord
	form url.Values
	now  time.Time
}

// serveSTS serves one awsQuery request: auth, faults, the region check, then the
// action.
func (s *Server) serveSTS(w http.ResponseWriter, r *http.Request, reqID string) {
	started := time.Now()
	rec := s.newRecord(r, "", reqID)
	rec.Service = "sts"
	defer s.finish(rec)
	out, aerr := s.processSTS(r, rec)
	Sleep(r.Context(), s.opts.MinLatency-time.Since(started))
	if aerr != nil {
		rec.Status, rec.ErrorCode = aerr.Status, aerr.Code
		writeQueryError(w, aerr, reqID)
		return
	}
	body, err := xml.Marshal(out)
	if err != nil {
		aerr = &apiError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error()}
		rec.Status, rec.ErrorCode = aerr.Status, aerr.Code
		writeQueryError(w, aerr, reqID)
		return
	}
	rec.Status = http.StatusOK
	w.Header().Set("Content-Type", xmlContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Server) processSTS(r *http.Request, rec *RequestRecord) (any, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return nil, badRequest("MalformedQueryString", "reading body: %v", err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badRequest("MalformedQueryString", "%v", err)
	}
	action := form.Get("Action")
	rec.Operation = action
	if rec.authErr != nil {
		return nil, queryAuthError(rec.authErr)
	}
	f := s.Faults()
	Sleep(r.Context(), f.Latency)
	if e := s.faults.injectedError(f.ErrorRate); e != nil {
		return nil, e
	}
	if e := s.stsRegionDisabled(rec.Account, rec.Region); e != nil {
		return nil, e
	}
	c := &stsCall{rec: rec, form: form, now: s.opts.Clock()}
	switch action {
	case "GetCallerIdentity":
		return s.getCallerIdentity(c), nil
	case "AssumeRole":
		return s.assumeRole(c)
	}
	if action == "" {
		return nil, badRequest("MissingAction", "Missing Action")
	}
	return nil, badRequest("InvalidAction", "Could not find operation %s for version %s", action, stsVersion)
}

// queryAuthError turns an authentication error into its awsQuery form (codes without
// the "Exception" suffix, HTTP 403 for a missing token).
func queryAuthError(e *apiError) *apiError {
	out := *e
	out.Code = strings.TrimSuffix(e.Code, "Exception")
	if out.Code == "MissingAuthenticationToken" {
		out.Status, out.Message = http.StatusForbidden, "Request is missing Authentication Token"
	}
	return &out
}

type stsResponseMetadata struct {
	RequestID string `xml:"RequestId"`
}

type getCallerIdentityResponse struct {
	XMLName  xml.Name `xml:"GetCallerIdentityResponse"`
	XMLNS    string   `xml:"xmlns,attr"`
	Result   callerIdentity
	Metadata stsResponseMetadata `xml:"ResponseMetadata"`
}

type callerIdentity struct {
	XMLName xml.Name `xml:"GetCallerIdentityResult"`
	Arn     string
	UserID  string `xml:"UserId"`
	Account string
}

func (s *Server) getCallerIdentity(c *stsCall) *getCallerIdentityResponse {
	id := s.callerIdentity(c.rec.AccessKeyID, c.rec.Account)
	return &getCallerIdentityResponse{XMLNS: stsXMLNS, Metadata: stsResponseMetadata{RequestID: c.rec.RequestID},
		Result: callerIdentity{Arn: id.ARN, UserID: id.PrincipalID, Account: id.AccountID}}
}

// callerIdentity is the identity behind an access key of an account, as CloudTrail
// records it (principal ID, ARN).
func (s *Server) callerIdentity(akid, acct string) ctIdentity {
	spec := RecordSpec{Account: acct}
	s.principal(akid).apply(&spec, akid)
	return spec.withDefaults().identity()
}

type queryErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	XMLNS     string   `xml:"xmlns,attr"`
	Error     queryError
	RequestID string `xml:"RequestId"`
}

type queryError struct {
	Type    string
	Code    string
	Message string
}

// writeQueryError writes an awsQuery error: <ErrorResponse><Error><Type>Sender</Type>
// <Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>.
func writeQueryError(w http.ResponseWriter, e *apiError, reqID string) {
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	body, _ := xml.Marshal(queryErrorResponse{XMLNS: stsXMLNS, RequestID: reqID,
		Error: queryError{Type: typ, Code: e.Code, Message: e.Message}})
	w.Header().Set("Content-Type", xmlContentType)
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}
