// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"golang.org/x/time/rate"
)

func responseError(status int, err error) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err,
	}}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		kind    Kind
		outcome string
	}{
		{"nil", nil, KindNone, "success"},
		{"canceled", fmt.Errorf("op: %w", context.Canceled), KindCanceled, "network_error"},
		{"throttled", responseError(400, &smithy.GenericAPIError{Code: "ThrottlingException"}), KindThrottled, "throttled"},
		{"invalid token", responseError(400, &types.InvalidNextTokenException{}), KindInvalidToken, "client_error"},
		{"access denied", responseError(400, &smithy.GenericAPIError{Code: "AccessDeniedException"}), KindAccessDenied, "client_error"},
		{"expired token", responseError(400, &smithy.GenericAPIError{Code: "ExpiredTokenException"}), KindAccessDenied, "client_error"},
		{"bad range", responseError(400, &types.InvalidTimeRangeException{}), KindClient, "client_error"},
		{"5xx", responseError(503, &smithy.GenericAPIError{Code: "ServiceUnavailable", Fault: smithy.FaultServer}), KindServer, "server_error"},
		{"refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, KindServer, "network_error"},
		{"url error", &url.Error{Op: "Post", URL: "http://x", Err: errors.New("EOF")}, KindServer, "network_error"},
		{"unknown", errors.New("unexpected end of JSON input"), KindServer, "network_error"},
		{"untrusted certificate", &url.Error{Op: "Post", URL: "https://x", Err: &tls.CertificateVerificationError{
			Err: x509.UnknownAuthorityError{}}}, KindClient, "network_error"},
		{"wrong host", &url.Error{Op: "Post", URL: "https://x", Err: x509.HostnameError{Host: "x"}}, KindClient, "network_error"},
		{"malformed 2xx", responseError(200, fmt.Errorf("%w: null", ErrMalformedResponse)), KindServer, "server_error"},
		{"undecodable 2xx", responseError(200, &smithy.DeserializationError{Err: errors.New("unexpected EOF")}), KindServer, "server_error"},
		{"4xx without an AWS body", responseError(403, &smithy.GenericAPIError{Code: "UnknownError"}), KindClient, "client_error"},
		{"3xx", responseError(302, &smithy.GenericAPIError{Code: "UnknownError"}), KindClient, "client_error"},
		{"no response", responseError(0, &smithyhttp.RequestSendError{Err: errors.New("connection reset by peer")}), KindServer, "network_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.kind, Classify(tt.err), Classify(tt.err).String())
			assert.Equal(t, tt.outcome, Outcome(tt.err))
		})
	}
}

func TestLimitersShareByKeyAndKeepTheLowerRate(t *testing.T) {
	var l Limiters
	a, releaseA := l.Claim(LimiterKey("123456789012", "us-east-1"), 2)
	b, releaseB := l.Claim(LimiterKey("123456789012", "us-east-1"), 5)
	assert.Same(t, a, b, "one limiter per account and region")
	other, releaseOther := l.Claim(LimiterKey("123456789012", "eu-west-1"), 2)
	assert.NotSame(t, a, other)
	assert.NotSame(t, a, must(l.Claim(LimiterKey("210987654321", "us-east-1"), 2)), "another account has its own quota")
	_, releaseC := l.Claim(LimiterKey("123456789012", "us-east-1"), 1)
	assert.Equal(t, limit(1), a.Limit(), "the lower rate wins")
	assert.Equal(t, 1, a.Burst())
	assert.Greater(t, time.Duration(float64(time.Second)/float64(limit(2))), 500*time.Millisecond)
	releaseOther()
	assert.Equal(t, limit(1), a.Limit(), "another key's release changes nothing")
	releaseC()
	assert.Equal(t, limit(2), a.Limit(), "the slowest claim left: the rate goes back up")
	releaseC()
	assert.Equal(t, limit(2), a.Limit(), "a second release of one claim is a no-op")
	releaseA()
	assert.Equal(t, limit(5), a.Limit(), "the claim left alone sets the rate")
	releaseB()
	c, releaseC2 := l.Claim(LimiterKey("123456789012", "us-east-1"), 3)
	defer releaseC2()
	assert.Equal(t, limit(3), c.Limit(), "after every claim is released, a new one starts afresh")
}

func must(lim *rate.Limiter, _ func()) *rate.Limiter { return lim }
