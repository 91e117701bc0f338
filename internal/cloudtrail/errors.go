// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Kind is what the poller does about an error.
type Kind int

const (
	// KindNone is no error.
	KindNone Kind = iota
	// KindCanceled: the context ended; stop quietly.
	KindCanceled
	// KindThrottled: the quota was exceeded even after the SDK's retries; back off.
	KindThrottled
	// KindServer: a 5xx or a network failure; back off and retry.
	KindServer
	// KindInvalidToken: the NextToken was refused; restart the slice.
	KindInvalidToken
	// KindAccessDenied: credentials or permissions; report, retry slowly.
	KindAccessDenied
	// KindClient: any other request error; retry slowly, it will not fix itself soon.
	KindClient
)

var kindNames = [...]string{"none", "canceled", "throttled", "server_error", "invalid_token", "access_denied", "client_error"}

func (k Kind) String() string { return kindNames[k] }

var accessDeniedCodes = map[string]bool{
	"AccessDeniedException": true, "AccessDenied": true, "UnauthorizedOperation": true,
	"UnrecognizedClientException": true, "InvalidClientTokenId": true, "ExpiredTokenException": true,
	"ExpiredToken": true, "InvalidSignatureException": true, "SignatureDoesNotMatch": true,
	"MissingAuthenticationTokenException": true, "OperationNotPermittedException": true,
}

// Classify sorts err into a Kind.
func Classify(err error) Kind {
	switch {
	case err == nil:
		return KindNone
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// A per-attempt HTTP timeout also surfaces as DeadlineExceeded; the caller
		// tells the two apart by its own context.
		return KindCanceled
	case isCertificateError(err):
		// The endpoint's certificate is not trusted (or not its own): a configuration
		// problem, retried every poll_interval and reported, never quickly.
		return KindClient
	case errors.Is(err, ErrMalformedResponse):
		return KindServer
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		if kind := classifyCode(apiErr.ErrorCode()); kind != KindNone {
			return kind
		}
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) && !isClientStatus(respErr.HTTPStatusCode()) {
		// A 5xx, or a 2xx whose body could not be read or decoded (cut short, or not
		// JSON): transient, like a server error.
		return KindServer
	}
	if apiErr != nil && apiErr.ErrorFault() == smithy.FaultServer {
		return KindServer
	}
	var netErr net.Error
	if errors.As(err, &netErr) || isRetryableTransport(err) {
		return KindServer
	}
	if apiErr != nil || respErr != nil {
		return KindClient
	}
	// Unknown failures (for example a response that is not JSON) are treated as
	// transient: retrying costs one request, giving up could lose events.
	return KindServer
}

// classifyCode sorts the error codes the poller treats specially; KindNone for others.
func classifyCode(code string) Kind {
	if code == "InvalidNextTokenException" {
		return KindInvalidToken
	}
	if _, ok := retry.DefaultThrottleErrorCodes[code]; ok {
		return KindThrottled
	}
	if accessDeniedCodes[code] {
		return KindAccessDenied
	}
	return KindNone
}

// isClientStatus reports whether an HTTP status is a refusal of the request (3xx, 4xx)
// rather than a failure of the server (5xx) or a success that went wrong (2xx).
func isClientStatus(status int) bool {
	return status >= 300 && status < 500
}

// isCertificateError reports whether err is a TLS certificate that failed verification:
// an unknown authority, a name it does not cover, an expired or unusable certificate, or
// no system roots to verify with.
func isCertificateError(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var roots x509.SystemRootsError
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuthority) ||
		errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &roots)
}

// certificateNotRetryable stops the SDK from retrying a certificate error: it would fail
// again at once, and the poll loop retries it every poll_interval.
func certificateNotRetryable(err error) aws.Ternary {
	if isCertificateError(err) {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}

func isRetryableTransport(err error) bool {
	return retry.RetryableConnectionError{}.IsErrorRetryable(err).Bool()
}

// Outcome names an attempt's result for the api_requests metric.
func Outcome(err error) string {
	switch Classify(err) {
	case KindNone:
		return "success"
	case KindThrottled:
		return "throttled"
	case KindServer:
		// The SDK wraps a request that got no response (refused, reset, timed out) in a
		// ResponseError with status 0: that is the network's failure, not the server's.
		var respErr *awshttp.ResponseError
		if errors.As(err, &respErr) && respErr.HTTPStatusCode() > 0 {
			return "server_error"
		}
		return "network_error"
	case KindCanceled:
		return "network_error"
	case KindClient:
		if isCertificateError(err) {
			return "network_error" // no HTTP response: the TLS handshake failed
		}
		return "client_error"
	default:
		return "client_error"
	}
}
