// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"strings"
)

// Principal is the caller an access key stands for in the CloudTrail records of
// Lookout for Metrics calls (their userIdentity, Username and AccessKeyId).
type Principal struct {
	// Type is IdentityIAMUser (default), IdentityAssumedRole or IdentityRoot.
	Type string
	// Name is the IAM user name, or the role session name for IdentityAssumedRole.
	// Ignored for IdentityRoot.
	Name string
	// RoleName is the assumed role, for IdentityAssumedRole.
	RoleName string
	// Account is the caller's account, used when Options.Accounts has no entry for
	// the key. Default: Options.DefaultAccount.
	Account string
}

// DeniedAccessKeyID is the access key of DefaultPrincipals whose Lookout for Metrics
// calls are all denied (AccessDeniedException) unless Options.DeniedAccessKeys says
// otherwise.
const DeniedAccessKeyID = "AKIAMALLORY000000006"

// DefaultPrincipals returns the principals the emulator knows when
// Options.Principals is nil, keyed by access key ID: two IAM users, two assumed-role
// sessions, the account root, and an IAM user (DeniedAccessKeyID) who is denied.
// The workload generator calls with these keys by default.
func DefaultPrincipals() map[string]Principal {
	return map[string]Principal{
		"AKIAALICE00000000001": {Type: IdentityIAMUser, Name: "alice"},
		"AKIABOB0000000000002": {Type: IdentityIAMUser, Name: "bob"},
		"ASIADEPLOY0000000003": {Type: IdentityAssumedRole, RoleName: "LookoutMetricsDeployer", Name: "ci-deploy"},
		"ASIAOPS0000000000004": {Type: IdentityAssumedRole, RoleName: "OpsReadOnly", Name: "grafana"},
		"AKIAROOT000000000005": {Type: IdentityRoot},
		DeniedAccessKeyID:      {Type: IdentityIAMUser, Name: "mallory"},
	}
}

// principal returns the caller behind an access key; unknown keys are an IAM user
// named after the key.
func (s *Server) principal(akid string) Principal {
	if ss, ok := s.sessions.get(akid); ok {
		return Principal{Type: IdentityAssumedRole, RoleName: ss.roleName, Name: ss.name, Account: ss.account}
	}
	p, ok := s.opts.Principals[akid]
	if !ok {
		return Principal{Type: IdentityIAMUser, Name: "user-" + strings.ToLower(akid)}
	}
	if p.Type == "" {
		p.Type = IdentityIAMUser
	}
	return p
}

// apply sets the identity fields of spec.
func (p Principal) apply(spec *RecordSpec, akid string) {
	spec.IdentityType = p.Type
	spec.Username = p.Name
	spec.RoleName = p.RoleName
	spec.AccessKeyID = akid
}

// denied reports whether the access key gets AccessDeniedException.
func (s *Server) denied(akid string) bool {
	_, ok := s.deniedKeys[akid]
	return ok
}

// principalDefaults fills Options.Principals, DeniedAccessKeys and Accounts.
func principalDefaults(o *Options) {
	if o.Principals == nil {
		o.Principals = DefaultPrincipals()
	}
	if o.DeniedAccessKeys == nil {
		o.DeniedAccessKeys = []string{DeniedAccessKeyID}
	}
	if o.Accounts == nil {
		o.Accounts = map[string]string{}
	}
	for key, p := range o.Principals {
		if _, ok := o.Accounts[key]; !ok && p.Account != "" {
			o.Accounts[key] = p.Account
		}
	}
}

// AccountPrincipals returns the principals of DefaultPrincipals but the denied one,
// in account: each key is the first 8 characters of the default key followed by the
// 12-digit account ("AKIAALIC111111111111"), and each Principal.Account is account.
// Add them to Options.Principals (which maps their keys to account) and give them to
// WorkloadOptions.Principals to run a live workload in that account.
func AccountPrincipals(account string) map[string]Principal {
	out := map[string]Principal{}
	for key, p := range DefaultPrincipals() {
		if key == DeniedAccessKeyID {
			continue
		}
		p.Account = account
		out[key[:8]+account] = p
	}
	return out
}
