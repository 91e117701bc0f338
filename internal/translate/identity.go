// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// putUserIdentity maps userIdentity (the object at token ui) the way the
// contrib awslogs_encoding CloudTrail encoder does; the rest of userIdentity
// (onBehalfOf, inScopeOf, webIdFederationData, ...) stays in the body only.
func (t *recordTranslator) putUserIdentity(ui int) {
	ms := t.p.Members(ui)
	t.putString(AttrUserID, ms, "userId")
	t.putString(AttrUserName, ms, "userName")
	t.putString(AttrUserIdentityAccountID, ms, "accountId")
	t.putString(AttrAccessKeyID, ms, "accessKeyId")
	t.putString(AttrIdentityStoreARN, ms, "identityStoreArn")
	t.putString(AttrUserIdentityInvokedBy, ms, "invokedBy")
	t.putString(AttrPrincipalID, ms, "principalId")
	t.putString(AttrPrincipalARN, ms, "arn")
	t.putString(AttrPrincipalType, ms, "type")
	if sc, ok := t.getObject(ms, "sessionContext"); ok {
		t.putSessionContext(sc)
	}
}

func (t *recordTranslator) putSessionContext(sc int) {
	ms := t.p.Members(sc)
	attributes, hasAttributes := t.getObject(ms, "attributes")
	issuer, hasIssuer := t.getObject(ms, "sessionIssuer")
	if hasAttributes {
		ms = t.p.Members(attributes)
		if v, ok := t.getKey(ms, "mfaAuthenticated"); ok {
			if b, ok := t.scalarBool(v); ok {
				t.putBool(AttrSessionMFAAuthenticated, b)
			}
		}
		t.putString(AttrSessionCreationDate, ms, "creationDate")
	}
	if hasIssuer {
		ms = t.p.Members(issuer)
		t.putString(AttrSessionIssuerType, ms, "type")
		t.putString(AttrSessionIssuerPrincipalID, ms, "principalId")
		t.putString(AttrSessionIssuerARN, ms, "arn")
		t.putString(AttrSessionIssuerAccountID, ms, "accountId")
		t.putString(AttrSessionIssuerUserName, ms, "userName")
	}
}

func (t *recordTranslator) putTLSDetails(tls int) {
	ms := t.p.Members(tls)
	if v, ok := t.getString(ms, "tlsVersion"); ok {
		t.putStr(AttrTLSProtocolVersion, strings.TrimPrefix(v, "TLSv"))
	}
	t.putString(AttrTLSCipher, ms, "cipherSuite")
	t.putString(AttrServerAddress, ms, "clientProvidedHostHeader")
}

// resourceFields are the keys of each object of resources[] and the keys of
// the maps of AttrResources they become.
var resourceFields = [...]struct{ key, name string }{
	{"accountId", ResourceKeyAccountID},
	{"type", ResourceKeyType},
	{"ARN", ResourceKeyARN},
}

// hasResources says whether resources (the value at token i) is an array
// with an object, which buildResources maps.
func (t *recordTranslator) hasResources(i int) bool {
	p := t.p
	if p.Tape[i].Kind != cjson.Array {
		return false
	}
	for j, k := i+1, 0; k < int(p.Tape[i].N); k++ {
		if p.Tape[j].Kind == cjson.Object {
			return true
		}
		j = p.Skip(j)
	}
	return false
}

// buildResources maps each object of resources (the array at token i) to
// {account.id, type, arn} in the slice attribute; elements that are not
// objects are skipped.
func (t *recordTranslator) buildResources(i int, attrs pcommon.Map) {
	p := t.p
	objects := 0
	for j, k := i+1, 0; k < int(p.Tape[i].N); k++ {
		if p.Tape[j].Kind == cjson.Object {
			objects++
		}
		j = p.Skip(j)
	}
	out := attrs.PutEmptySlice(AttrResources)
	out.EnsureCapacity(objects)
	for j, k := i+1, 0; k < int(p.Tape[i].N); k++ {
		if p.Tape[j].Kind == cjson.Object {
			ms := p.Members(j)
			var vals [len(resourceFields)]string
			n := 0
			for f, rf := range resourceFields {
				if s, ok := t.getString(ms, rf.key); ok {
					vals[f] = s
					n++
				}
			}
			m := out.AppendEmpty().SetEmptyMap()
			if n > 0 {
				m.EnsureCapacity(n)
			}
			for f, rf := range resourceFields {
				if vals[f] != "" {
					m.PutStr(rf.name, vals[f])
				}
			}
		}
		j = p.Skip(j)
	}
}
