// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/smithy-go/middleware"
)

// Retry policy for one LookupEvents call. Throttling and 5xx are retried by the SDK's
// standard retryer with exponential backoff and full jitter; the SDK's client-side retry
// quota is off, because the shared limiter already paces every attempt and a tripped
// quota would turn a throttling storm into failed polls.
const (
	maxAttempts    = 6
	maxBackoff     = 20 * time.Second
	attemptTimeout = 30 * time.Second
)

// AttemptObserver is told the outcome of every HTTP attempt (retries included).
type AttemptObserver func(ctx context.Context, err error)

// SDKOptions configures NewSDKClient.
type SDKOptions struct {
	// Endpoint overrides the CloudTrail endpoint (VPC endpoint, FIPS, local emulator).
	Endpoint string
	// Limiter paces every attempt; share it between all clients of one account-region.
	Limiter Waiter
	// Observe, when set, sees the outcome of every attempt.
	Observe AttemptObserver
	// Transport, when set, carries the client's requests: one (from NewTransport) shared by
	// the clients of every account of a region keeps one pool of connections to the
	// region's endpoint; whoever made it closes its idle connections once no client uses
	// it. Nil gives the client a transport of its own.
	Transport *http.Transport
}

// Waiter blocks until a request may be sent, or ctx ends.
type Waiter interface {
	Wait(ctx context.Context) error
}

// NewSDKClient returns the aws-sdk-go-v2 CloudTrail client for cfg (which carries the
// region and credentials), with this package's pacing, retry policy, response check and
// observation, and a function that closes its idle connections once the client is no
// longer used (nothing, when its transport is opts.Transport: others may be using those).
// The SDK's own request, response and signing logs are always off: they would carry the
// session token, signatures and response bodies.
func NewSDKClient(cfg aws.Config, opts SDKOptions) (*cloudtrail.Client, func()) {
	transport, closeIdle := opts.Transport, func() {}
	if transport == nil {
		transport = baseTransport(cfg.HTTPClient)
		closeIdle = transport.CloseIdleConnections
	}
	httpClient := &http.Client{
		Timeout:   attemptTimeout,
		Transport: WrapTransport(transport),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // like the SDK: a redirect is an answer, not a hop
		},
	}
	client := cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
		o.HTTPClient = httpClient
		o.ClientLogMode = 0
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = maxAttempts
			so.MaxBackoff = maxBackoff
			so.RateLimiter = ratelimit.None
			so.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(certificateNotRetryable)},
				so.Retryables...)
		})
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			if err := stack.Finalize.Insert(attemptMiddleware(opts), "Retry", middleware.After); err != nil {
				return err
			}
			return stack.Deserialize.Insert(responseCheck, "OperationDeserializer", middleware.After)
		})
	})
	return client, closeIdle
}

// NewTransport returns a transport for clients to share (SDKOptions.Transport), built
// from cfg like a client's own, so that the CA bundle and proxy settings apply. It keeps
// up to idle idle connections to a host, and at least the SDK's default: up to idle
// reads at once then find a connection to reuse instead of opening one with a new TLS
// handshake. In all it keeps idle plus the SDK's default per host: the reads at once
// are bounded across hosts (regions) too, and a connection is two goroutines and 8 KiB
// of buffers.
func NewTransport(cfg aws.Config, idle int) *http.Transport {
	transport := baseTransport(cfg.HTTPClient)
	transport.MaxIdleConnsPerHost = max(idle, awshttp.DefaultHTTPTransportMaxIdleConnsPerHost)
	transport.MaxIdleConns = transport.MaxIdleConnsPerHost + awshttp.DefaultHTTPTransportMaxIdleConnsPerHost
	return transport
}

// baseTransport returns a transport this client owns: a clone of cfg's when that is the
// SDK's buildable client (or a client that gives a copy of its transport likewise), so that what LoadDefaultConfig set up there (the AWS_CA_BUNDLE
// or ca_bundle root CAs, proxy settings) applies; else the SDK's default transport.
func baseTransport(c aws.HTTPClient) *http.Transport {
	if b, ok := c.(*awshttp.BuildableClient); ok && b != nil {
		return b.GetTransport()
	}
	if b, ok := c.(transportCopier); ok { // a client wrapping a buildable one
		return b.GetTransport()
	}
	return awshttp.NewBuildableClient().GetTransport()
}

// transportCopier is an HTTP client that gives a copy of its transport, as
// *awshttp.BuildableClient does.
type transportCopier interface {
	GetTransport() *http.Transport
}

// attemptMiddleware runs once per HTTP attempt, inside the retry loop: it waits for the
// shared limiter, so retries are paced too, and reports the attempt's outcome.
func attemptMiddleware(opts SDKOptions) middleware.FinalizeMiddleware {
	return middleware.FinalizeMiddlewareFunc("awscloudtrailAttempt", func(
		ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler,
	) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if opts.Limiter != nil {
			if err := opts.Limiter.Wait(ctx); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
		}
		out, md, err := next.HandleFinalize(ctx, in)
		if opts.Observe != nil && ctx.Err() == nil {
			opts.Observe(ctx, err)
		}
		return out, md, err
	})
}
