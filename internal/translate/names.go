// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

// Resource attributes.
const (
	AttrCloudProvider  = "cloud.provider"   // always "aws"
	AttrCloudRegion    = "cloud.region"     // awsRegion
	AttrCloudAccountID = "cloud.account.id" // recipientAccountId, else userIdentity.accountId
)

// CloudProviderAWS is the value of AttrCloudProvider.
const CloudProviderAWS = "aws"

// Log record attributes taken from the record's top-level fields.
const (
	AttrEventVersion        = "aws.cloudtrail.event_version"         // eventVersion
	AttrEventID             = "aws.cloudtrail.event_id"              // eventID
	AttrLogRecordUID        = "log.record.uid"                       // eventID
	AttrRPCMethod           = "rpc.method"                           // eventName
	AttrRPCSystem           = "rpc.system"                           // eventType
	AttrAPIVersion          = "aws.cloudtrail.api_version"           // apiVersion
	AttrRPCService          = "rpc.service"                          // eventSource
	AttrRequestID           = "aws.request_id"                       // requestID
	AttrEventCategory       = "aws.event.category"                   // eventCategory
	AttrReadOnly            = "aws.event.read_only"                  // readOnly (bool)
	AttrManagementEvent     = "aws.event.management"                 // managementEvent (bool)
	AttrSourceAddress       = "source.address"                       // sourceIPAddress
	AttrUserAgentOriginal   = "user_agent.original"                  // userAgent
	AttrSessionConsole      = "aws.session.console"                  // sessionCredentialFromConsole (bool)
	AttrErrorCode           = "aws.error.code"                       // errorCode
	AttrErrorMessage        = "aws.error.message"                    // errorMessage
	AttrSharedEventID       = "aws.shared_event_id"                  // sharedEventID
	AttrInsightDetails      = "aws.insight_details"                  // insightDetails (map)
	AttrRequestParameters   = "aws.request.parameters"               // requestParameters (map)
	AttrResponseElements    = "aws.response.elements"                // responseElements (map)
	AttrAdditionalEventData = "aws.cloudtrail.additional_event_data" // additionalEventData (map)
	AttrResources           = "aws.resources"                        // resources (slice of maps)
)

// Keys of each map in the AttrResources slice.
const (
	ResourceKeyAccountID = "account.id" // resources[].accountId
	ResourceKeyType      = "type"       // resources[].type
	ResourceKeyARN       = "arn"        // resources[].ARN
)

// Log record attributes taken from userIdentity.
const (
	AttrUserID                = "user.id"                      // userIdentity.userId
	AttrUserName              = "user.name"                    // userIdentity.userName
	AttrUserIdentityAccountID = "aws.user_identity.account_id" // userIdentity.accountId
	AttrAccessKeyID           = "aws.access_key.id"            // userIdentity.accessKeyId
	AttrIdentityStoreARN      = "aws.identity_store.arn"       // userIdentity.identityStoreArn
	AttrUserIdentityInvokedBy = "aws.user_identity.invoked_by" // userIdentity.invokedBy
	AttrPrincipalID           = "aws.principal.id"             // userIdentity.principalId
	AttrPrincipalARN          = "aws.principal.arn"            // userIdentity.arn
	AttrPrincipalType         = "aws.principal.type"           // userIdentity.type
)

// Log record attributes taken from userIdentity.sessionContext.
const (
	AttrSessionMFAAuthenticated  = "aws.user_identity.session_context.attributes.mfa_authenticated" // attributes.mfaAuthenticated (bool)
	AttrSessionCreationDate      = "aws.user_identity.session_context.attributes.creation_date"     // attributes.creationDate
	AttrSessionIssuerType        = "aws.user_identity.session_context.issuer.type"                  // sessionIssuer.type
	AttrSessionIssuerPrincipalID = "aws.user_identity.session_context.issuer.principal_id"          // sessionIssuer.principalId
	AttrSessionIssuerARN         = "aws.user_identity.session_context.issuer.arn"                   // sessionIssuer.arn
	AttrSessionIssuerAccountID   = "aws.user_identity.session_context.issuer.account_id"            // sessionIssuer.accountId
	AttrSessionIssuerUserName    = "aws.user_identity.session_context.issuer.user_name"             // sessionIssuer.userName
)

// Log record attributes taken from tlsDetails.
const (
	AttrTLSProtocolVersion = "tls.protocol.version" // tlsDetails.tlsVersion without "TLSv"
	AttrTLSCipher          = "tls.cipher"           // tlsDetails.cipherSuite
	AttrServerAddress      = "server.address"       // tlsDetails.clientProvidedHostHeader
)

// Log record attributes of Lookout for Metrics events
// (eventSource lookoutmetrics.amazonaws.com).
const (
	AttrLookoutMetricsDetectorARN   = "aws.lookoutmetrics.anomaly_detector.arn"
	AttrLookoutMetricsDetectorName  = "aws.lookoutmetrics.anomaly_detector.name"
	AttrLookoutMetricsMetricSetARN  = "aws.lookoutmetrics.metric_set.arn"
	AttrLookoutMetricsMetricSetName = "aws.lookoutmetrics.metric_set.name"
	AttrLookoutMetricsAlertARN      = "aws.lookoutmetrics.alert.arn"
	AttrLookoutMetricsAlertName     = "aws.lookoutmetrics.alert.name"
)

// ResourceAttributeNames lists every resource attribute this package sets.
func ResourceAttributeNames() []string {
	return []string{AttrCloudProvider, AttrCloudRegion, AttrCloudAccountID}
}

// LogAttributeNames lists every log record attribute this package can set,
// in the order in which they are added to a record.
func LogAttributeNames() []string {
	return []string{
		AttrEventVersion, AttrEventID, AttrLogRecordUID, AttrRPCMethod, AttrRPCSystem,
		AttrAPIVersion, AttrRPCService, AttrRequestID, AttrEventCategory, AttrReadOnly,
		AttrManagementEvent, AttrSourceAddress, AttrUserAgentOriginal, AttrSessionConsole,
		AttrUserID, AttrUserName, AttrUserIdentityAccountID, AttrAccessKeyID,
		AttrIdentityStoreARN, AttrUserIdentityInvokedBy, AttrPrincipalID, AttrPrincipalARN,
		AttrPrincipalType, AttrSessionMFAAuthenticated, AttrSessionCreationDate,
		AttrSessionIssuerType, AttrSessionIssuerPrincipalID, AttrSessionIssuerARN,
		AttrSessionIssuerAccountID, AttrSessionIssuerUserName, AttrTLSProtocolVersion,
		AttrTLSCipher, AttrServerAddress, AttrErrorCode, AttrErrorMessage, AttrSharedEventID,
		AttrInsightDetails, AttrRequestParameters, AttrResponseElements,
		AttrAdditionalEventData, AttrResources,
		AttrLookoutMetricsDetectorARN, AttrLookoutMetricsDetectorName,
		AttrLookoutMetricsMetricSetARN, AttrLookoutMetricsMetricSetName,
		AttrLookoutMetricsAlertARN, AttrLookoutMetricsAlertName,
	}
}

// Log record event names (LogRecord.EventName), chosen by eventType.
const (
	EventNameAPICall       = "aws.cloudtrail.api_call"        // AwsApiCall
	EventNameServiceEvent  = "aws.cloudtrail.service_event"   // AwsServiceEvent
	EventNameConsoleSignIn = "aws.cloudtrail.console_sign_in" // AwsConsoleSignIn
	EventNameConsoleAction = "aws.cloudtrail.console_action"  // AwsConsoleAction
	EventNameInsight       = "aws.cloudtrail.insight"         // AwsCloudTrailInsight
	EventNameVpceEvent     = "aws.cloudtrail.vpce_event"      // AwsVpceEvent
	EventNameOther         = "aws.cloudtrail.event"           // any other or no eventType
)
