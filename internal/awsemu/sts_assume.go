// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Role is an IAM role that sts:AssumeRole can assume. The keys AssumeRole issues
// belong to the role's account: LookupEvents signed with them reads that account's
// history, under that account's quota.
type Role struct {
	// ARN is arn:<partition>:iam::<account>:role/[<path>/]<name>.
	ARN string
	// ExternalID, when set, must come as AssumeRole's ExternalId (the sts:ExternalId
	// condition of the trust policy); otherwise any or no external ID is accepted.
	ExternalID string
	// TrustedAccounts are the accounts whose principals may assume the role; nil
	// trusts every account.
	TrustedAccounts []string
	// MaxSessionDuration bounds DurationSeconds. Default 1h.
	MaxSessionDuration time.Duration
}

// ReaderRoles returns one role named name, with externalID, in each account.
func ReaderRoles(name, externalID string, accounts ...string) []Role {
	roles := make([]Role, len(accounts))
	for i, a := range accounts {
		roles[i] = Role{ARN: "arn:aws:iam::" + a + ":role/" + name, ExternalID: externalID}
	}
	return roles
}

// session is the identity behind access keys AssumeRole issued.
type session struct {
	account, partition, roleName, name string
	expires                            time.Time
}

type sessions struct {
	mu    sync.RWMutex
	byKey map[string]session
}

func (s *sessions) get(akid string) (session, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ss, ok := s.byKey[akid]
	return ss, ok
}

func (s *sessions) put(akid string, ss session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey == nil {
		s.byKey = map[string]session{}
	}
	s.byKey[akid] = ss
}

var (
	roleARNRE     = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::(\d{12}):role/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})$`)
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

const (
	minSessionDuration     = 15 * time.Minute
	defaultSessionDuration = time.Hour
)

type assumeRoleResponse struct {
	XMLName  xml.Name `xml:"AssumeRoleResponse"`
	XMLNS    string   `xml:"xmlns,attr"`
	Result   assumeRoleResult
	Metadata stsResponseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleResult struct {
	XMLName         xml.Name `xml:"AssumeRoleResult"`
	AssumedRoleUser struct {
		Arn           string
		AssumedRoleID string `xml:"AssumedRoleId"`
	}
	Credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
}

func stsValidation(format string, args ...any) *apiError {
	return badRequest("ValidationError", format, args...)
}

// assumeRole checks the request, the role, its trust and external ID, then issues
// temporary keys of the role's account.
func (s *Server) assumeRole(c *stsCall) (any, *apiError) {
	roleARN, name, ext := c.form.Get("RoleArn"), c.form.Get("RoleSessionName"), c.form.Get("ExternalId")
	dur, aerr := sessionDuration(c.form)
	if aerr != nil {
		return nil, aerr
	}
	switch {
	case roleARN == "":
		return nil, stsValidation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	case name == "":
		return nil, stsValidation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	case !sessionNameRE.MatchString(name):
		return nil, stsValidation("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", name)
	case c.form.Has("ExternalId") && (len(ext) < 2 || len(ext) > 1224 || !externalIDRE.MatchString(ext)):
		return nil, stsValidation("1 validation error detected: Value '%s' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*", ext)
	}
	m := roleARNRE.FindStringSubmatch(roleARN)
	if m == nil {
		return nil, stsValidation("%s is invalid", roleARN)
	}
	role, ok := s.assumable(c, roleARN, ext, m[2])
	if !ok {
		caller := s.callerIdentity(c.rec.AccessKeyID, c.rec.Account)
		return nil, &apiError{Status: http.StatusForbidden, Code: "AccessDenied",
			Message: "User: " + caller.ARN + " is not authorized to perform: sts:AssumeRole on resource: " + roleARN}
	}
	if dur > cmpOr(role.MaxSessionDuration, defaultSessionDuration) {
		return nil, stsValidation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return s.issue(c, session{account: m[2], partition: m[1], roleName: m[4], name: name, expires: c.now.Add(dur)}), nil
}

// sessionDuration reads DurationSeconds: 900 to 43200, default 3600.
func sessionDuration(form map[string][]string) (time.Duration, *apiError) {
	v, ok := form["DurationSeconds"]
	if !ok || len(v) == 0 {
		return defaultSessionDuration, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < int(minSessionDuration/time.Second) || n > 43200 {
		return 0, stsValidation("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200", v[0])
	}
	return time.Duration(n) * time.Second, nil
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// assumable returns the role when it exists, trusts the caller's account, gets the
// external ID it asks for, and its account is neither suspended nor closing.
func (s *Server) assumable(c *stsCall, roleARN, ext, account string) (Role, bool) {
	i := slices.IndexFunc(s.opts.Roles, func(r Role) bool { return r.ARN == roleARN })
	if i < 0 {
		return Role{}, false
	}
	role := s.opts.Roles[i]
	if role.TrustedAccounts != nil && !slices.Contains(role.TrustedAccounts, c.rec.Account) {
		return Role{}, false
	}
	if role.ExternalID != "" && role.ExternalID != ext {
		return Role{}, false
	}
	if st, inOrg := s.org.state(account); inOrg && st != AccountActive {
		return Role{}, false
	}
	return role, true
}

// issue makes temporary keys for ss and remembers whose they are.
func (s *Server) issue(c *stsCall, ss session) *assumeRoleResponse {
	akid := "ASIA" + randomKey(16)
	s.sessions.put(akid, ss)
	out := &assumeRoleResponse{XMLNS: stsXMLNS, Metadata: stsResponseMetadata{RequestID: c.rec.RequestID}}
	r := &out.Result
	r.AssumedRoleUser.Arn = "arn:" + ss.partition + ":sts::" + ss.account + ":assumed-role/" + ss.roleName + "/" + ss.name
	r.AssumedRoleUser.AssumedRoleID = uniqueID("AROA", ss.account, ss.roleName) + ":" + ss.name
	r.Credentials.AccessKeyID = akid
	r.Credentials.SecretAccessKey = randomSecret(30)
	r.Credentials.SessionToken = randomSecret(240)
	r.Credentials.Expiration = ss.expires.UTC().Format(time.RFC3339)
	return out
}

// randomKey returns n random characters of an access key ID (A-Z, 2-7).
func randomKey(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base32.StdEncoding.EncodeToString(b)[:n]
}

// randomSecret returns the base64 of n random bytes.
func randomSecret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.TrimRight(base64.StdEncoding.EncodeToString(b), "=")
}
