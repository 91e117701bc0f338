// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/accounts"
)

// runOrganization discovers the organization's accounts with the base identity and polls
// each (through the reader role, or with the base identity for its own account when the
// role cannot be assumed there) until ctx ends. New accounts start at start_at, removed
// ones stop; a failed listing keeps the last known list.
func (r *cloudtrailReceiver) runOrganization(ctx context.Context, org *OrganizationConfig) {
	// The organization is global; its listing and the base identity's look-up go through
	// the first region whose STS answers, so no single region's STS blocks discovery.
	base, id, ok := r.identifyAny(ctx, r.regions, "organization base identity")
	if !ok {
		return
	}
	disc := accounts.NewDiscoverer(accounts.Config{
		RoleName: org.RoleName, ExternalID: org.ExternalID,
		Include: org.IncludeAccounts, Exclude: org.ExcludeAccounts,
		RefreshInterval: org.RefreshInterval,
		BaseAccount:     aws.ToString(id.Account), Partition: accounts.Partition(aws.ToString(id.Arn)),
	}, organizations.NewFromConfig(base.aws), accounts.STSProbe(sts.NewFromConfig(base.aws)), r.set.Logger)
	disc.After = r.after
	disc.Report = func(err error) {
		renewOn(base.aws.Credentials, err) // the base identity's keys, expired by AWS's clock
		if err != nil {
			err = fmt.Errorf("%s: %w", orgListingName, err)
		}
		r.status.report(orgListingName, err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	running := orgTargets{}
	defer func() {
		for _, p := range running {
			p.cancel()
		}
	}()
	disc.Run(ctx, func(list []accounts.Account) { r.applyAccounts(ctx, &wg, running, list) })
}

// orgListingName names the organization's account listing in status and logs.
const orgListingName = "organization accounts listing"

// orgTargets are the discovered accounts' pollers by account ID, including those stopped
// and perhaps not yet returned.
type orgTargets map[string]*orgPoller

type orgPoller struct {
	t       target
	cancel  context.CancelFunc
	stopped bool
	// done is closed once the poller and every poller of the account before it returned.
	done chan struct{}
}

// applyAccounts starts the discovered accounts that are not polled yet and stops those no
// longer discovered, or discovered with another identity. Accounts listed in accounts are
// polled by their own entry. An account's new poller starts only once its previous one
// returned, so two never share its checkpoints; no other account waits for that.
func (r *cloudtrailReceiver) applyAccounts(ctx context.Context, wg *sync.WaitGroup, running orgTargets, list []accounts.Account) {
	listed := make([]string, len(r.cfg.Accounts))
	for i, a := range r.cfg.Accounts {
		listed[i] = a.AccountID()
	}
	want := map[string]accounts.Account{}
	for _, a := range list {
		if !slices.Contains(listed, a.ID) {
			want[a.ID] = a
		}
	}
	for id, p := range running {
		a, ok := want[id]
		if p.stopped || ok && p.t == (target{roleARN: a.RoleARN, externalID: a.ExternalID}) {
			continue
		}
		r.set.Logger.Info("Account no longer discovered with this identity; stopping it", zap.String("account", id), zap.String("role_arn", p.t.roleARN))
		p.cancel()
		p.stopped = true
	}
	for id, a := range want {
		prev := running[id]
		if prev != nil && !prev.stopped {
			continue
		}
		t := target{roleARN: a.RoleARN, externalID: a.ExternalID}
		tctx, cancel := context.WithCancel(ctx)
		p := &orgPoller{t: t, cancel: cancel, done: make(chan struct{})}
		running[id] = p
		r.set.Logger.Info("Polling account", zap.String("account", a.ID), zap.String("name", a.Name), zap.String("role_arn", a.RoleARN))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(p.done)
			if prev != nil {
				<-prev.done // cancelled already: it returns promptly
			}
			if tctx.Err() != nil {
				return
			}
			var twg sync.WaitGroup
			r.startTarget(tctx, &twg, t)
			twg.Wait()
		}()
	}
	for id, p := range running {
		if p.stopped && isClosed(p.done) {
			delete(running, id)
		}
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
