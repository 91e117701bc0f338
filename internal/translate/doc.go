// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package translate turns one CloudTrail record (the JSON object of one event,
// as found in a LookupEvents CloudTrailEvent string or in a trail's S3 log
// file) into one OpenTelemetry log record. It does no I/O and does not care
// where the record came from.
//
// # Parsing
//
// A record is parsed once, by the receiver's one JSON tokenizer (internal/cjson,
// which the redactor and the trail file reader use too, so that they all read
// the same keys), which checks it and writes a tape of its values (a buffer the
// Batch reuses); the attributes are read
// from the tape, and only the values a log record carries (the body map, the
// map attributes) become pcommon values, with no map[string]any in between.
// String values are substrings of the record text, decoded only when they
// hold escapes or invalid UTF-8: [Batch.AddString] shares the caller's
// string, [Batch.Add] copies the record once. A log record therefore keeps
// its record's text alive until it is dropped, whatever the body mode.
//
// Integral numbers that fit int64 become Int values (no precision lost),
// other numbers Double; object key order is kept, and for a repeated key the
// last value wins. Objects and arrays nested deeper than [MaxDepth] levels
// are kept as their raw JSON text in a string value instead of failing the
// record. Invalid UTF-8 inside strings becomes U+FFFD. A record that is not
// exactly one valid JSON object is rejected with an error (naming its eventID
// when that was read before the error).
//
// # Resource
//
// Records are grouped into one ResourceLogs per (account, region):
//
//	cloud.provider    "aws"
//	cloud.region      awsRegion
//	cloud.account.id  recipientAccountId, else userIdentity.accountId
//
// The scope name and version come from [Options].
//
// # Log record
//
//	Timestamp          eventTime (see ParseEventTime), else the caller's fallback time
//	ObservedTimestamp  the caller's observed time
//	EventName          from eventType: aws.cloudtrail.api_call (AwsApiCall),
//	                   .service_event (AwsServiceEvent), .console_sign_in
//	                   (AwsConsoleSignIn), .console_action (AwsConsoleAction),
//	                   .insight (AwsCloudTrailInsight), .vpce_event (AwsVpceEvent),
//	                   aws.cloudtrail.event for any other or none
//	Severity           ERROR / "ERROR" when errorCode is set; WARN / "WARN" for a
//	                   failed sign-in (eventSource signin.amazonaws.com and
//	                   responseElements.<eventName> "Failure", no errorCode);
//	                   else INFO / "INFO"
//	Body               per Options.Body: the record's JSON text (BodyRaw), the
//	                   whole record as a map (BodyMap), or nothing (BodyNone)
//
// # Attributes
//
// The names are those of the contrib awslogs_encoding extension's CloudTrail
// unmarshaler (without its feature-gated renames), so dashboards work for
// both its S3 path and this package. A field that is absent, JSON null or an
// empty string adds no attribute. String attributes also take a JSON number
// or bool (as its text); bool attributes also take "true"/"false" strings.
// Keys are matched exactly, else ignoring case.
//
//	eventVersion                  aws.cloudtrail.event_version
//	eventID                       aws.cloudtrail.event_id and log.record.uid
//	eventName                     rpc.method
//	eventType                     rpc.system
//	apiVersion                    aws.cloudtrail.api_version
//	eventSource                   rpc.service
//	requestID                     aws.request_id
//	eventCategory                 aws.event.category
//	readOnly                      aws.event.read_only (bool)
//	managementEvent               aws.event.management (bool)
//	sourceIPAddress               source.address
//	userAgent                     user_agent.original
//	sessionCredentialFromConsole  aws.session.console (bool)
//	userIdentity.userId           user.id
//	userIdentity.userName         user.name
//	userIdentity.accountId        aws.user_identity.account_id
//	userIdentity.accessKeyId      aws.access_key.id
//	userIdentity.identityStoreArn aws.identity_store.arn
//	userIdentity.invokedBy        aws.user_identity.invoked_by
//	userIdentity.principalId      aws.principal.id
//	userIdentity.arn              aws.principal.arn
//	userIdentity.type             aws.principal.type
//	  .sessionContext.attributes.mfaAuthenticated
//	                              aws.user_identity.session_context.attributes.mfa_authenticated (bool)
//	  .sessionContext.attributes.creationDate
//	                              aws.user_identity.session_context.attributes.creation_date
//	  .sessionContext.sessionIssuer.{type,principalId,arn,accountId,userName}
//	                              aws.user_identity.session_context.issuer.{type,principal_id,arn,account_id,user_name}
//	tlsDetails.tlsVersion         tls.protocol.version ("TLSv1.3" -> "1.3")
//	tlsDetails.cipherSuite        tls.cipher
//	tlsDetails.clientProvidedHostHeader
//	                              server.address
//	errorCode                     aws.error.code
//	errorMessage                  aws.error.message
//	sharedEventID                 aws.shared_event_id
//	insightDetails                aws.insight_details (map)
//	requestParameters             aws.request.parameters (map)
//	responseElements              aws.response.elements (map)
//	additionalEventData           aws.cloudtrail.additional_event_data (map)
//	resources[]                   aws.resources (slice of maps: account.id, type, arn)
//
// The map attributes are set only when the field is a JSON object; AWS
// sometimes sends a string there, which then stays in the body only. Other
// userIdentity members (onBehalfOf, inScopeOf, webIdFederationData, ...) and
// fields this package does not know are kept by BodyRaw and BodyMap.
//
// # Lookout for Metrics
//
// For eventSource lookoutmetrics.amazonaws.com, the top-level keys
// AnomalyDetectorArn, AnomalyDetectorName, MetricSetArn, MetricSetName,
// AlertArn, AlertName (any case) and ResourceArn (sorted by its ARN's
// resource type) of requestParameters, then responseElements, give
//
//	aws.lookoutmetrics.anomaly_detector.arn   aws.lookoutmetrics.anomaly_detector.name
//	aws.lookoutmetrics.metric_set.arn         aws.lookoutmetrics.metric_set.name
//	aws.lookoutmetrics.alert.arn              aws.lookoutmetrics.alert.name
//
// A name missing from the event is derived from its ARN
// (…:AnomalyDetector:<name>, …:MetricSet/<detector>/<metric set>,
// …:Alert:<name>); a metric set ARN also gives the detector name.
package translate
