// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// sessionName names the STS session when role_arn is set; it shows in the role's own
// CloudTrail events.
const sessionName = "otelcol-awscloudtrail"

// awsCallTimeout bounds one HTTP attempt of the AWS config's own clients (STS for role
// credentials and GetCallerIdentity, Organizations): the SDK's default client has none,
// and its credentials cache ignores the caller's cancellation while it fetches, so a hung
// endpoint would hold an account's credentials for good. CloudTrail's client sets its
// own (cloudtrail.NewSDKClient). A variable for tests.
var awsCallTimeout = 30 * time.Second

// loadAWSConfig builds the SDK config (for region, or the environment's region when it is
// empty) from the standard credential chain, the profile and the role to assume, with the
// standard AWS_CA_BUNDLE / ca_bundle trust
// (cloudtrail.NewTransport and NewSDKClient keep it). It reads local files only; credentials are fetched
// on the first request.
func loadAWSConfig(ctx context.Context, c *Config, region string) (aws.Config, error) {
	return loadAWSConfigSharing(ctx, c, region, nil)
}

// loadAWSConfigSharing is loadAWSConfig with the HTTP client of another region's config
// (nil: a new one). Every SDK client made from the config then shares its connections:
// left nil, as LoadDefaultConfig leaves it without a CA bundle, each client (one per
// account-region for its role, one per identity call) would build a transport of its own
// and keep its connection open, idle, for 90 s: 1,700 connections and 3,400 goroutines
// for 850 account-regions starting.
func loadAWSConfigSharing(ctx context.Context, c *Config, region string, shared aws.HTTPClient) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	// The SDK's request, response and signing logs are never on: an AssumeRole response
	// body holds the role's credentials, and signed requests carry the session token.
	cfg.ClientLogMode = 0
	switch b, ok := cfg.HTTPClient.(*awshttp.BuildableClient); {
	case shared != nil:
		cfg.HTTPClient = shared // read from the same files and variables: the same CA bundle and proxy
	case cfg.HTTPClient == nil:
		cfg.HTTPClient = sharedClient{awshttp.NewBuildableClient().WithTimeout(awsCallTimeout)} // what each SDK client would build
	case ok && b != nil:
		cfg.HTTPClient = sharedClient{b.WithTimeout(awsCallTimeout)} // keeps the CA bundle and proxy set up there
	}
	if c.RoleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), c.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = sessionName
			if c.ExternalID != "" {
				o.ExternalID = aws.String(c.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	return cfg, nil
}

// sharedClient is the HTTP client of a config, shared by every SDK client made from it.
// It is not an *awshttp.BuildableClient, which an SDK client copies, with a transport of
// its own, to set the timeouts of a defaults mode other than legacy (AWS_DEFAULTS_MODE,
// a profile's defaults_mode) or its read timeout: used as is, it keeps one pool of
// connections. GetTransport gives a copy of its transport (the CA bundle, the proxy) for
// CloudTrail's (cloudtrail.NewTransport).
type sharedClient struct{ b *awshttp.BuildableClient }

func (c sharedClient) Do(r *http.Request) (*http.Response, error) { return c.b.Do(r) }

// GetTransport returns a copy of the client's transport.
func (c sharedClient) GetTransport() *http.Transport { return c.b.GetTransport() }

// withoutCallTimeout returns cfg for clients whose calls bound themselves by their
// progress, not by awsCallTimeout: the SQS input's long polls and S3 reads (a trail file
// may take longer than that to arrive, and ReadIdleTimeout ends one that stalls). The
// role's STS client, already built on cfg's HTTP client, keeps the timeout.
func withoutCallTimeout(cfg aws.Config) aws.Config {
	if c, ok := cfg.HTTPClient.(sharedClient); ok {
		cfg.HTTPClient = c.b.WithTimeout(0) // the same CA bundle and proxy, a pool of its own
	}
	return cfg
}

// resolveRegions returns the configured regions, or the region of the AWS config or
// environment when none is set. It reads local files and variables only; Validate does
// not call it, so that validating a config does no I/O.
func resolveRegions(ctx context.Context, c *Config) ([]string, error) {
	if len(c.Regions) > 0 {
		return c.Regions, nil
	}
	var opts []func(*config.LoadOptions) error
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("regions: not set, and the AWS config could not be read: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("regions: not set, and no region in the AWS config or environment (AWS_REGION)")
	}
	return []string{cfg.Region}, nil
}
