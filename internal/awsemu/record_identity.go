// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/base32"
	"hash/fnv"
	"time"
)

type ctIdentity struct {
	Type           string            `json:"type"`
	PrincipalID    string            `json:"principalId"`
	ARN            string            `json:"arn"`
	AccountID      string            `json:"accountId"`
	AccessKeyID    string            `json:"accessKeyId"`
	UserName       string            `json:"userName,omitempty"`
	SessionContext *ctSessionContext `json:"sessionContext,omitempty"`
}

type ctSessionContext struct {
	SessionIssuer ctIssuer       `json:"sessionIssuer"`
	Attributes    ctSessionAttrs `json:"attributes"`
}

type ctIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

type ctSessionAttrs struct {
	CreationDate     string `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

// identity returns the record's userIdentity for spec.IdentityType.
func (spec RecordSpec) identity() ctIdentity {
	id := ctIdentity{Type: spec.IdentityType, AccountID: spec.Account, AccessKeyID: spec.AccessKeyID}
	switch spec.IdentityType {
	case IdentityAssumedRole:
		roleID := uniqueID("AROA", spec.Account, spec.RoleName)
		id.PrincipalID = roleID + ":" + spec.Username
		id.ARN = "arn:aws:sts::" + spec.Account + ":assumed-role/" + spec.RoleName + "/" + spec.Username
		id.SessionContext = &ctSessionContext{
			SessionIssuer: ctIssuer{Type: "Role", PrincipalID: roleID, AccountID: spec.Account,
				ARN: "arn:aws:iam::" + spec.Account + ":role/" + spec.RoleName, UserName: spec.RoleName},
			Attributes: ctSessionAttrs{MFAAuthenticated: "false",
				CreationDate: spec.EventTime.Add(-time.Hour).Format(time.RFC3339)},
		}
	case IdentityRoot:
		id.PrincipalID = spec.Account
		id.ARN = "arn:aws:iam::" + spec.Account + ":root"
	default:
		id.PrincipalID = uniqueID("AIDA", spec.Account, spec.Username)
		id.ARN = "arn:aws:iam::" + spec.Account + ":user/" + spec.Username
		id.UserName = spec.Username
	}
	return id
}

// uniqueID returns a stable IAM-style unique ID (prefix plus 17 characters).
func uniqueID(prefix string, parts ...string) string {
	h := fnv.New128a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return prefix + base32.StdEncoding.EncodeToString(h.Sum(nil))[:17]
}
