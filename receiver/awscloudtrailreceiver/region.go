// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

var errNoAccount = errors.New("sts:GetCallerIdentity returned no account")

// identityTimeout bounds one GetCallerIdentity call, retries included.
const identityTimeout = time.Minute

// regionRun is one region of a receiver: its own AWS config and so its own credentials
// (role_arn and web identity are resolved through that region's STS), its account, and
// the streams of every event source there.
type regionRun struct {
	region string
	target target
	aws    aws.Config
	store  checkpoint.Store
	base   poll.Settings
	// transport carries the CloudTrail requests of every account of the region: they go
	// to one endpoint, and each is signed on its own, so they share one pool of
	// connections. Nil gives each account-region a transport of its own.
	transport *http.Transport
}

// runRegion learns the account of the region's credentials, retrying with backoff while
// they fail, then polls the region's streams until ctx ends. A region whose credentials
// fail blocks no other.
func (r *cloudtrailReceiver) runRegion(ctx context.Context, rr regionRun) {
	account, ok := r.resolveAccount(ctx, rr)
	if !ok {
		r.forget(identityName(rr))
		return
	}
	limiter, release := cloudtrail.SharedLimiters.Claim(cloudtrail.LimiterKey(account, rr.region), r.cfg.RequestsPerSecond)
	defer release()
	api, closeIdle := cloudtrail.NewSDKClient(rr.aws, cloudtrail.SDKOptions{
		Endpoint:  r.cfg.Endpoint,
		Limiter:   limiter,
		Observe:   r.observeAttempt(account, rr.region),
		Transport: rr.transport,
	})
	defer closeIdle() // nothing when shared: other accounts use those connections
	r.runStreams(ctx, rr, r.newStreams(rr, account, cloudtrail.NewClient(api)))
}

// newStreams builds the streams of an account-region over client.
func (r *cloudtrailReceiver) newStreams(rr regionRun, account string, client *cloudtrail.Client) []*poll.Stream {
	sets := r.streamSets(rr.base, account, rr.region)
	legacy := make(map[string]string, len(sets))
	for _, set := range sets {
		// Checkpoints keyed without the account were the base identity's.
		if rr.target.roleARN == "" && set.Category == "" && set.EventSource != cloudtrail.AllSources {
			legacy[set.CheckpointKey()] = set.LegacyCheckpointKey()
		}
	}
	store := r.migrating(rr.store, legacy)
	streams := make([]*poll.Stream, len(sets))
	for i, set := range sets {
		streams[i] = poll.NewStream(set, poll.Deps{
			Source: client, Next: r.next, Store: store, Logger: r.set.Logger,
			Metrics: r.streamMetrics(account, rr.region, set.Name()), Now: r.now, Emitted: r.emittedIndex(), Gate: r.gate,
		})
	}
	return streams
}

// runStreams polls streams until ctx ends, then takes them off the telemetry and status.
func (r *cloudtrailReceiver) runStreams(ctx context.Context, rr regionRun, streams []*poll.Stream) {
	r.addStreams(streams)
	defer func() {
		r.removeStreams(streams)
		names := []string{identityName(rr)}
		for _, s := range streams {
			names = append(names, s.String())
		}
		r.forget(names...)
	}()
	run := func(s *poll.Stream) {
		s.Run(ctx, r.cfg.PollInterval, r.timer, func(err error) {
			renewOn(rr.aws.Credentials, err)
			r.status.report(s.String(), err)
		})
	}
	if len(streams) == 1 { // the usual case with "*": no goroutine (and stack) more per account-region
		run(streams[0])
		return
	}
	var wg sync.WaitGroup
	for _, s := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(s)
		}()
	}
	wg.Wait()
}

// staleCredentialCodes are AWS's answers to keys it no longer takes: expired (by AWS's
// clock, which may run ahead of the host's), unknown, or of a role session revoked since.
var staleCredentialCodes = map[string]bool{
	"ExpiredTokenException": true, "ExpiredToken": true, "InvalidClientTokenId": true,
	"UnrecognizedClientException": true, "AccessDeniedException": true,
}

// renewOn drops the cached credentials of an account-region when AWS refused them, so
// the next poll fetches new ones (assumes the role again) instead of retrying with keys
// the host's clock still calls valid until their expiration.
func renewOn(creds aws.CredentialsProvider, err error) {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || !staleCredentialCodes[apiErr.ErrorCode()] {
		return
	}
	if cache, ok := creds.(*aws.CredentialsCache); ok {
		cache.Invalidate()
	}
}

// resolveAccount asks STS, with the region's credentials, whose they are
// (sts:GetCallerIdentity needs no IAM permission). While that fails the region is reported
// as failing and asked again with backoff; false means ctx ended first.
func (r *cloudtrailReceiver) resolveAccount(ctx context.Context, rr regionRun) (string, bool) {
	id, ok := r.identify(ctx, rr, identityName(rr))
	if !ok {
		return "", false
	}
	r.set.Logger.Debug("Credentials resolved", zap.String("region", rr.region),
		zap.String("account", aws.ToString(id.Account)), zap.String("role_arn", rr.target.roleARN))
	return aws.ToString(id.Account), true
}

// forget drops the status of an account-region that stopped because its account is no
// longer discovered; at Shutdown the last status stands.
func (r *cloudtrailReceiver) forget(names ...string) {
	if !r.stopping.Load() {
		r.status.forget(names...)
	}
}

// identityName names an account-region's credentials in status and logs.
func identityName(rr regionRun) string {
	name := "region " + rr.region + " credentials"
	if rr.target.roleARN != "" {
		name = "account " + rr.target.label() + " " + name
	}
	return name
}

// identify calls sts:GetCallerIdentity with rr's credentials until it answers with an
// account, reporting failures under name and retrying them with backoff; false means
// ctx ended first.
func (r *cloudtrailReceiver) identify(ctx context.Context, rr regionRun, name string) (*sts.GetCallerIdentityOutput, bool) {
	_, out, ok := r.identifyAny(ctx, []regionRun{rr}, name)
	return out, ok
}

// identifyAny is identify through the first of runs whose STS answers, tried in order
// on every round: one region's STS refusing (an opt-in region not enabled, an outage)
// blocks nothing another region can do. It returns the run that answered.
func (r *cloudtrailReceiver) identifyAny(ctx context.Context, runs []regionRun, name string) (regionRun, *sts.GetCallerIdentityOutput, bool) {
	for failures := 0; ; {
		var errs []error
		for _, rr := range runs {
			out, err := r.callerIdentity(ctx, rr)
			if ctx.Err() != nil {
				return regionRun{}, nil, false
			}
			if err == nil {
				if failures > 0 {
					r.status.report(name, nil)
				}
				return rr, out, true
			}
			errs = append(errs, err)
			renewOn(rr.aws.Credentials, err)
			r.tb.ReceiverAwscloudtrailCredentialFailures.Add(ctx, 1, metric.WithAttributes(
				attribute.String("account", rr.target.account()), attribute.String("region", rr.region)))
		}
		failures++
		r.status.report(name, fmt.Errorf("%s: %w", name, errors.Join(errs...))) // the status says which account-region
		select {
		case <-ctx.Done():
			return regionRun{}, nil, false
		case <-r.after(jitter(identityRetryDelay(r.cfg.PollInterval, failures))):
		}
	}
}

// callerIdentity asks rr's STS once (with the SDK's retries) whose rr's credentials are,
// under a place of the receiver's gate: the first call of an account-region also fetches
// its credentials (sts:AssumeRole), and an organization's account-regions all start at
// once.
func (r *cloudtrailReceiver) callerIdentity(ctx context.Context, rr regionRun) (*sts.GetCallerIdentityOutput, error) {
	var out *sts.GetCallerIdentityOutput
	var err error
	if gateErr := r.gate.Do(ctx, func() {
		callCtx, cancel := context.WithTimeout(ctx, identityTimeout)
		defer cancel()
		out, err = sts.NewFromConfig(rr.aws).GetCallerIdentity(callCtx, &sts.GetCallerIdentityInput{})
	}); gateErr != nil {
		return nil, gateErr
	}
	if err == nil && aws.ToString(out.Account) == "" {
		err = errNoAccount
	}
	return out, err
}

// identityRetryDelay is the wait after failures consecutive failed identity look-ups:
// from one second, doubling, up to the poll interval.
func identityRetryDelay(interval time.Duration, failures int) time.Duration {
	return poll.RetryDelay(interval, failures, nil)
}

// jitter spreads d by +-20%, so regions that failed together do not retry together.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// migrating reads a checkpoint written before checkpoints carried the account once, and
// moves it under the stream's key.
func (r *cloudtrailReceiver) migrating(store checkpoint.Store, legacy map[string]string) checkpoint.Store {
	m := checkpoint.NewMigrating(store, legacy)
	m.Migrated = func(from, to string, err error) {
		r.set.Logger.Info("Checkpoint moved to its account-keyed name", zap.String("from", from), zap.String("to", to))
		if err != nil {
			r.set.Logger.Warn("The old checkpoint could not be removed; the new one wins", zap.String("key", from), zap.Error(err))
		}
	}
	return m
}

// addStreams makes streams visible to the lag gauge.
func (r *cloudtrailReceiver) addStreams(streams []*poll.Stream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.streams = append(r.streams, streams...)
}

// removeStreams takes the streams of an account-region that stopped off the lag gauge.
func (r *cloudtrailReceiver) removeStreams(streams []*poll.Stream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.streams = slices.DeleteFunc(r.streams, func(s *poll.Stream) bool { return slices.Contains(streams, s) })
}

// allStreams returns the streams running now.
func (r *cloudtrailReceiver) allStreams() []*poll.Stream {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*poll.Stream(nil), r.streams...)
}

// after is the receiver's timer: the test seam, or time.After.
func (r *cloudtrailReceiver) after(d time.Duration) <-chan time.Time {
	if r.timer != nil {
		return r.timer(d)
	}
	return time.After(d)
}
