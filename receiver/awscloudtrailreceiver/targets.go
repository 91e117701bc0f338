// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// target is an identity whose account the receiver reads: the base identity (no role),
// or a reader role in another account that the base identity assumes.
type target struct {
	roleARN, externalID string
}

// label names the target in logs and status: the role's account, or "base".
func (t target) label() string {
	if t.roleARN == "" {
		return "base"
	}
	return AccountConfig{RoleARN: t.roleARN}.AccountID()
}

// account is the account the target reads, as far as the config tells: the role's
// account, "" for the base identity (known only once STS answered).
func (t target) account() string {
	if t.roleARN == "" {
		return ""
	}
	return AccountConfig{RoleARN: t.roleARN}.AccountID()
}

// staticTargets are the identities read from the config alone: the listed accounts, or
// the base identity when neither accounts nor organization is set.
func (r *cloudtrailReceiver) staticTargets() []target {
	if len(r.cfg.Accounts) == 0 && r.cfg.Organization.Get() == nil {
		return []target{{}}
	}
	out := make([]target, len(r.cfg.Accounts))
	for i, a := range r.cfg.Accounts {
		out[i] = target{roleARN: a.RoleARN, externalID: a.ExternalID}
	}
	return out
}

// forTarget returns the region's config with the target's credentials: the base
// identity's, or the role assumed through the region's own STS endpoint, with a
// credentials cache of its own whose fetches end when ctx (the target's polling) does.
func forTarget(ctx context.Context, rr regionRun, t target) regionRun {
	rr.target = t
	if t.roleARN == "" {
		return rr
	}
	cfg := rr.aws.Copy()
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(rr.aws), t.roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = sessionName
		if t.externalID != "" {
			o.ExternalID = aws.String(t.externalID)
		}
	})
	cfg.Credentials = aws.NewCredentialsCache(boundProvider{inner: provider, stop: ctx})
	rr.aws = cfg
	return rr
}

// boundProvider fetches credentials until the caller's context or stop ends. The SDK's
// credentials cache strips the caller's cancellation from the fetch (one fetch serves
// every caller) and lets each caller go on its own cancellation, so without stop a hung
// fetch would outlive the account's polling, and Shutdown, by up to three 30s attempts.
type boundProvider struct {
	inner aws.CredentialsProvider
	stop  context.Context
}

func (p boundProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(p.stop, cancel)()
	return p.inner.Retrieve(ctx)
}

// startTarget polls every region of t until ctx ends, each account-region on its own
// goroutines: a failing account or region never slows the others.
func (r *cloudtrailReceiver) startTarget(ctx context.Context, wg *sync.WaitGroup, t target) {
	run := r.runAccountRegion
	if run == nil {
		run = r.runRegion
	}
	for _, rr := range r.regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(ctx, forTarget(ctx, rr, t))
		}()
	}
}
