// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// AWS Organizations (awsJson1_1): ListAccounts, X-Amz-Target
// AWSOrganizationsV20161128.ListAccounts. The organization's management account is
// Options.DefaultAccount; only its principals may list (others get
// AccessDeniedException), and without an organization (Options.Organization nil)
// every caller gets AWSOrganizationsNotInUseException.

// ListAccountsTarget is the X-Amz-Target of Organizations ListAccounts.
const ListAccountsTarget = "AWSOrganizationsV20161128.ListAccounts"

// Account states of an organization's member (the State field; Status carries the
// first three until AWS retires it).
const (
	AccountActive            = "ACTIVE"
	AccountSuspended         = "SUSPENDED"
	AccountPendingClosure    = "PENDING_CLOSURE"
	AccountPendingActivation = "PENDING_ACTIVATION"
	AccountClosed            = "CLOSED"
)

const maxListAccounts = 20

// OrgAccount is a member account of the emulated organization.
type OrgAccount struct {
	ID    string // 12 digits
	Name  string // default "account-<ID>"
	Email string // default "aws+<ID>@example.com"
	// State is AccountActive (default), AccountSuspended, AccountPendingClosure,
	// AccountPendingActivation or AccountClosed. AssumeRole into an account that is
	// not ACTIVE is denied.
	State    string
	JoinedAt time.Time // default: the server's clock when the organization was set
}

// orgState is the organization: nil accounts means none.
type orgState struct {
	mu       sync.RWMutex
	mgmt     string
	id       string // o-xxxxxxxxxx
	accounts []OrgAccount
}

var accountIDRE = regexp.MustCompile(`^\d{12}$`)

func newOrgState(mgmt string) *orgState {
	return &orgState{mgmt: mgmt, id: "o-" + strings.ToLower(uniqueID("", "organization", mgmt)[:10])}
}

// set replaces the members, sorted by ID; the management account is added, ACTIVE,
// when missing.
func (o *orgState) set(accounts []OrgAccount, now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if accounts == nil {
		o.accounts = nil
		return
	}
	out := make([]OrgAccount, 0, len(accounts)+1)
	if !slices.ContainsFunc(accounts, func(a OrgAccount) bool { return a.ID == o.mgmt }) {
		out = append(out, OrgAccount{ID: o.mgmt, Name: "management"})
	}
	out = append(out, accounts...)
	for i := range out {
		a := &out[i]
		a.State = cmp.Or(a.State, AccountActive)
		a.Name = cmp.Or(a.Name, "account-"+a.ID)
		a.Email = cmp.Or(a.Email, "aws+"+a.ID+"@example.com")
		if a.JoinedAt.IsZero() {
			a.JoinedAt = now
		}
	}
	slices.SortFunc(out, func(a, b OrgAccount) int { return cmp.Compare(a.ID, b.ID) })
	o.accounts = slices.CompactFunc(out, func(a, b OrgAccount) bool { return a.ID == b.ID })
}

// state returns an account's state, and whether it is a member.
func (o *orgState) state(account string) (string, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	i := slices.IndexFunc(o.accounts, func(a OrgAccount) bool { return a.ID == account })
	if i < 0 {
		return "", false
	}
	return o.accounts[i].State, true
}

// SetOrganization replaces the organization's member accounts (the management
// account, Options.DefaultAccount, is added as ACTIVE when missing); nil removes the
// organization.
func (s *Server) SetOrganization(accounts []OrgAccount) {
	s.org.set(accounts, s.opts.Clock())
}

// Organization returns the member accounts, sorted by ID; nil without an organization.
func (s *Server) Organization() []OrgAccount {
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	return slices.Clone(s.org.accounts)
}

func (s *Server) registerOrganizations() {
	s.targets[ListAccountsTarget] = operation{name: "ListAccounts", service: "organizations", handle: s.listAccounts}
}

type listAccountsInput struct {
	MaxResults *int    `json:"MaxResults"`
	NextToken  *string `json:"NextToken"`
}

type accountOut struct {
	Arn             string  `json:"Arn"`
	Email           string  `json:"Email"`
	ID              string  `json:"Id"`
	JoinedMethod    string  `json:"JoinedMethod"`
	JoinedTimestamp float64 `json:"JoinedTimestamp"`
	Name            string  `json:"Name"`
	State           string  `json:"State"`
	Status          string  `json:"Status,omitempty"`
}

type listAccountsOutput struct {
	Accounts  []accountOut `json:"Accounts"`
	NextToken string       `json:"NextToken,omitempty"`
}

func orgError(code, reason, msg string) *apiError {
	e := badRequest(code, "%s", msg)
	if reason != "" {
		e.Extra = map[string]any{"Reason": reason}
	}
	return e
}

// listAccounts pages through the members by account ID; a NextToken is the last ID
// returned, so members added or removed between pages neither repeat nor shift.
func (s *Server) listAccounts(c *call) (any, *apiError) {
	var in listAccountsInput
	if len(c.body) > 0 {
		if err := json.Unmarshal(c.body, &in); err != nil {
			return nil, badRequest("SerializationException", "cannot parse request: %v", err)
		}
	}
	limit := maxListAccounts
	if in.MaxResults != nil {
		switch {
		case *in.MaxResults < 1:
			return nil, orgError("InvalidInputException", "MIN_VALUE_EXCEEDED", "MaxResults must be at least 1")
		case *in.MaxResults > maxListAccounts:
			return nil, orgError("InvalidInputException", "MAX_VALUE_EXCEEDED", "MaxResults must be at most 20")
		}
		limit = *in.MaxResults
	}
	after := ""
	if in.NextToken != nil {
		b, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil || !accountIDRE.Match(b) {
			return nil, orgError("InvalidInputException", "INVALID_NEXT_TOKEN", "The specified token is invalid.")
		}
		after = string(b)
	}
	s.org.mu.RLock()
	defer s.org.mu.RUnlock()
	switch {
	case s.org.accounts == nil:
		return nil, orgError("AWSOrganizationsNotInUseException", "",
			"Your account is not a member of an organization.")
	case c.account != s.org.mgmt:
		return nil, orgError("AccessDeniedException", "",
			"You don't have permissions to access this resource.")
	}
	i, _ := slices.BinarySearchFunc(s.org.accounts, after, func(a OrgAccount, id string) int {
		return cmp.Compare(a.ID, id+"\x00") // the first ID after `after`
	})
	out := &listAccountsOutput{Accounts: []accountOut{}}
	for ; i < len(s.org.accounts) && len(out.Accounts) < limit; i++ {
		out.Accounts = append(out.Accounts, s.org.render(s.org.accounts[i]))
	}
	if i < len(s.org.accounts) {
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(out.Accounts[len(out.Accounts)-1].ID))
	}
	return out, nil
}

func (o *orgState) render(a OrgAccount) accountOut {
	out := accountOut{Arn: "arn:aws:organizations::" + o.mgmt + ":account/" + o.id + "/" + a.ID,
		Email: a.Email, ID: a.ID, JoinedMethod: "INVITED", Name: a.Name, State: a.State,
		JoinedTimestamp: float64(a.JoinedAt.UnixMilli()) / 1000}
	if a.ID != o.mgmt {
		out.JoinedMethod = "CREATED"
	}
	switch a.State {
	case AccountActive, AccountSuspended, AccountPendingClosure:
		out.Status = a.State
	}
	return out
}
