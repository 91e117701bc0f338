// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
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
	base := forTarget(r.regions[0], target{})
	id, ok := r.identify(ctx, base, "organization base identity")
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
	var wg sync.WaitGroup
	defer wg.Wait()
	running := map[target]context.CancelFunc{}
	defer func() {
		for _, cancel := range running {
			cancel()
		}
	}()
	disc.Run(ctx, func(list []accounts.Account) { r.applyAccounts(ctx, &wg, running, list) })
}

// applyAccounts starts the discovered accounts that are not polled yet and stops those no
// longer discovered. Accounts listed in accounts are polled by their own entry.
func (r *cloudtrailReceiver) applyAccounts(ctx context.Context, wg *sync.WaitGroup, running map[target]context.CancelFunc, list []accounts.Account) {
	listed := make([]string, len(r.cfg.Accounts))
	for i, a := range r.cfg.Accounts {
		listed[i] = a.AccountID()
	}
	want := map[target]bool{}
	for _, a := range list {
		if slices.Contains(listed, a.ID) {
			continue
		}
		t := target{roleARN: a.RoleARN, externalID: a.ExternalID}
		want[t] = true
		if _, ok := running[t]; ok {
			continue
		}
		tctx, cancel := context.WithCancel(ctx)
		running[t] = cancel
		r.set.Logger.Info("Polling account", zap.String("account", a.ID), zap.String("name", a.Name), zap.String("role_arn", a.RoleARN))
		r.startTarget(tctx, wg, t)
	}
	for t, cancel := range running {
		if !want[t] {
			r.set.Logger.Info("Account no longer discovered; stopping it", zap.String("account", t.label()))
			cancel()
			delete(running, t)
		}
	}
}
