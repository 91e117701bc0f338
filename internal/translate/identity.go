package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// putUserIdentity maps userIdentity the way the contrib awslogs_encoding
// CloudTrail encoder does; the rest of userIdentity (onBehalfOf, inScopeOf,
// webIdFederationData, ...) stays in the body only.
func putUserIdentity(attrs, ui pcommon.Map) {
	putString(attrs, AttrUserID, ui, "userId")
	putString(attrs, AttrUserName, ui, "userName")
	putString(attrs, AttrUserIdentityAccountID, ui, "accountId")
	putString(attrs, AttrAccessKeyID, ui, "accessKeyId")
	putString(attrs, AttrIdentityStoreARN, ui, "identityStoreArn")
	putString(attrs, AttrUserIdentityInvokedBy, ui, "invokedBy")
	putString(attrs, AttrPrincipalID, ui, "principalId")
	putString(attrs, AttrPrincipalARN, ui, "arn")
	putString(attrs, AttrPrincipalType, ui, "type")
	if sc, ok := getMap(ui, "sessionContext"); ok {
		putSessionContext(attrs, sc)
	}
}

func putSessionContext(attrs, sc pcommon.Map) {
	if a, ok := getMap(sc, "attributes"); ok {
		if v, ok := getKey(a, "mfaAuthenticated"); ok {
			if b, ok := scalarBool(v); ok {
				attrs.PutBool(AttrSessionMFAAuthenticated, b)
			}
		}
		putString(attrs, AttrSessionCreationDate, a, "creationDate")
	}
	if is, ok := getMap(sc, "sessionIssuer"); ok {
		putString(attrs, AttrSessionIssuerType, is, "type")
		putString(attrs, AttrSessionIssuerPrincipalID, is, "principalId")
		putString(attrs, AttrSessionIssuerARN, is, "arn")
		putString(attrs, AttrSessionIssuerAccountID, is, "accountId")
		putString(attrs, AttrSessionIssuerUserName, is, "userName")
	}
}

func putTLSDetails(attrs, tls pcommon.Map) {
	if v, ok := getString(tls, "tlsVersion"); ok {
		attrs.PutStr(AttrTLSProtocolVersion, strings.TrimPrefix(v, "TLSv"))
	}
	putString(attrs, AttrTLSCipher, tls, "cipherSuite")
	putString(attrs, AttrServerAddress, tls, "clientProvidedHostHeader")
}

// putResources maps each object of resources to {account.id, type, arn};
// elements that are not objects are skipped.
func putResources(attrs pcommon.Map, resources pcommon.Value) {
	if resources.Type() != pcommon.ValueTypeSlice {
		return
	}
	var out pcommon.Slice
	started := false
	for _, r := range resources.Slice().All() {
		if r.Type() != pcommon.ValueTypeMap {
			continue
		}
		if !started {
			out, started = attrs.PutEmptySlice(AttrResources), true
		}
		m := out.AppendEmpty().SetEmptyMap()
		putString(m, ResourceKeyAccountID, r.Map(), "accountId")
		putString(m, ResourceKeyType, r.Map(), "type")
		putString(m, ResourceKeyARN, r.Map(), "ARN")
	}
}
