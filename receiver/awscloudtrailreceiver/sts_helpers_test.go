// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"
)

// localSTS is a small STS (the awsQuery protocol) on loopback: GetCallerIdentity answers
// the account of the caller's access key, AssumeRole hands out the role's credentials
// (assumedCredentials) in the role's account. Regions listed in refuse are answered
// RegionDisabledException, found from the SigV4 credential scope of each request. The
// receiver reaches it through the SDK's standard AWS_ENDPOINT_URL_STS.
type localSTS struct {
	url string
	mu  sync.Mutex
	// account is the base identity's account; roleAccount the assumed role's.
	account, roleAccount string
	refuse               map[string]bool
	calls                []stsCall
}

type stsCall struct {
	Action, Region, AccessKey string
	Form                      map[string]string
}

var scopeRE = regexp.MustCompile(`Credential=([^/]+)/\d{8}/([^/]+)/sts/aws4_request`)

// randomAccount returns a 12-digit account ID of its own, so limiters of one test never
// meet those of another.
func randomAccount() string { return fmt.Sprintf("%012d", rand.Int64N(1e12)) }

func newLocalSTS(t *testing.T) *localSTS {
	t.Helper()
	s := &localSTS{account: randomAccount(), roleAccount: randomAccount(), refuse: map[string]bool{}}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	s.url = ts.URL
	t.Setenv("AWS_ENDPOINT_URL_STS", ts.URL)
	return s
}

func (s *localSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	call := stsCall{Action: r.PostForm.Get("Action"), Form: map[string]string{}}
	for k := range r.PostForm {
		call.Form[k] = r.PostForm.Get(k)
	}
	if m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		call.AccessKey, call.Region = m[1], m[2]
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	refused, account := s.refuse[call.Region], s.account
	if call.AccessKey == assumedCredentials.AccessKey {
		account = s.roleAccount
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	switch {
	case refused:
		w.WriteHeader(http.StatusForbidden)
		_, _ = fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>`+
			`<Type>Sender</Type><Code>RegionDisabledException</Code><Message>STS is not activated in region %s</Message>`+
			`</Error><RequestId>4b6d4f3a-0000-4000-8000-000000000001</RequestId></ErrorResponse>`, call.Region)
	case call.Action == "GetCallerIdentity":
		_, _ = fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`+
			`<GetCallerIdentityResult><Arn>arn:aws:iam::%[1]s:user/collector</Arn><UserId>AIDAFAKEUSERID</UserId>`+
			`<Account>%[1]s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>`+
			`4b6d4f3a-0000-4000-8000-000000000002</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, account)
	case call.Action == "AssumeRole":
		_, _ = w.Write([]byte(assumeRoleResponse(time.Now().Add(time.Hour))))
	default:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>` +
			`<Message>unknown action</Message></Error></ErrorResponse>`))
	}
}

// setAccount makes the base identity belong to account from now on.
func (s *localSTS) setAccount(account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account = account
}

// setRefused refuses (or no longer refuses) every request signed for region.
func (s *localSTS) setRefused(region string, refused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[region] = refused
}

// actions returns the actions asked for, with the region each was signed for.
func (s *localSTS) actions() []stsCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stsCall(nil), s.calls...)
}

// count returns how many requests asked for action, signed for region ("" for any).
func (s *localSTS) count(action, region string) int {
	n := 0
	for _, c := range s.actions() {
		if c.Action == action && (region == "" || c.Region == region) {
			n++
		}
	}
	return n
}
