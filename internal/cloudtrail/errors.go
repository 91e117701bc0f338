package cloudtrail

import (
	"context"
	"errors"
	"net"

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
	if err == nil {
		return KindNone
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// A per-attempt HTTP timeout also surfaces as DeadlineExceeded; the caller
		// tells the two apart by its own context.
		return KindCanceled
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		if code == "InvalidNextTokenException" {
			return KindInvalidToken
		}
		if _, ok := retry.DefaultThrottleErrorCodes[code]; ok {
			return KindThrottled
		}
		if accessDeniedCodes[code] {
			return KindAccessDenied
		}
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500 {
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
		var respErr *awshttp.ResponseError
		if errors.As(err, &respErr) {
			return "server_error"
		}
		return "network_error"
	case KindCanceled:
		return "network_error"
	default:
		return "client_error"
	}
}
