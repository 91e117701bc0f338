// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package accounts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"go.uber.org/zap"
)

// Config says which accounts to discover and how to read them.
type Config struct {
	// RoleName is the reader role in each account. Required.
	RoleName string
	// ExternalID goes with every AssumeRole of RoleName.
	ExternalID string
	// Include, when not empty, keeps only these account IDs; Exclude drops these.
	Include, Exclude []string
	// RefreshInterval is the time between listings. Default 1h.
	RefreshInterval time.Duration
	// BaseAccount is the base identity's account (sts:GetCallerIdentity); Partition
	// the partition of its ARN (see Partition), default "aws".
	BaseAccount, Partition string
}

// Lister is the Organizations call discovery makes.
type Lister = organizations.ListAccountsAPIClient

// RoleProbe tells whether the base identity can assume roleARN: (false, nil) when AWS
// denies it, an error when it cannot tell (throttling, network). See STSProbe.
type RoleProbe func(ctx context.Context, roleARN, externalID string) (bool, error)

// maxPages bounds one listing: 20 accounts a page, so 20,000 accounts.
const maxPages = 1000

// Backoff after a failed listing: from minRetry, doubling, at most RefreshInterval.
const minRetry = 30 * time.Second

// Discoverer lists an organization's accounts and keeps the last list.
type Discoverer struct {
	cfg    Config
	orgs   Lister
	probe  RoleProbe
	logger *zap.Logger
	// After returns a channel that receives after d; tests replace it. Default time.After.
	After func(d time.Duration) <-chan time.Time
	// Report, when set, gets the outcome of every listing Run makes (nil once one
	// works), so that a failing listing shows in the component's status.
	Report func(error)

	mu       sync.Mutex
	known    []Account // nil until a listing succeeded
	baseRole *bool     // last probe answer for the base account, nil until known
	failing  bool
}

// NewDiscoverer returns a Discoverer; probe may be nil when the base identity's account
// is always read through the role.
func NewDiscoverer(cfg Config, orgs Lister, probe RoleProbe, logger *zap.Logger) *Discoverer {
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = time.Hour
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Discoverer{cfg: cfg, orgs: orgs, probe: probe, logger: logger, After: time.After}
}

// Accounts returns the last known list (nil before the first successful listing).
func (d *Discoverer) Accounts() []Account {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.known)
}

// Refresh lists the accounts once. On success it replaces the known list and returns
// it; on failure it keeps the known list and returns it with the error.
func (d *Discoverer) Refresh(ctx context.Context) ([]Account, error) {
	list, err := d.list(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil && ctx.Err() != nil {
		return slices.Clone(d.known), err // stopping: not a failure of the organization
	}
	if err != nil {
		if !d.failing {
			d.logger.Warn("Listing the organization's accounts failed; keeping the last known list",
				zap.Int("accounts", len(d.known)), zap.Error(err))
		}
		d.failing = true
		return slices.Clone(d.known), err
	}
	if d.failing {
		d.logger.Info("Listing the organization's accounts works again", zap.Int("accounts", len(list)))
	}
	d.failing = false
	if added, removed := diff(d.known, list); d.known == nil || len(added)+len(removed) > 0 {
		d.logger.Info("Organization accounts", zap.Int("accounts", len(list)),
			zap.Int("added", len(added)), zap.Strings("added_ids", firstIDs(added)),
			zap.Int("removed", len(removed)), zap.Strings("removed_ids", firstIDs(removed)))
	}
	d.known = list
	return slices.Clone(list), nil
}

// Run lists at once, then every RefreshInterval (after a failure: 30s, doubling, up to
// RefreshInterval) until ctx is done. onChange gets the list after the first
// successful listing and whenever it changes; it runs on Run's goroutine.
func (d *Discoverer) Run(ctx context.Context, onChange func([]Account)) {
	var last []Account
	first := true
	retry := minRetry
	for {
		list, err := d.Refresh(ctx)
		if ctx.Err() != nil {
			return
		}
		if d.Report != nil {
			d.Report(err)
		}
		wait := d.cfg.RefreshInterval
		if err != nil {
			wait = min(retry, d.cfg.RefreshInterval)
			retry *= 2
		} else {
			retry = minRetry
			if first || !slices.Equal(last, list) {
				onChange(list)
				last, first = list, false
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-d.After(wait):
		}
	}
}

// list pages through ListAccounts and builds the accounts to read.
func (d *Discoverer) list(ctx context.Context) ([]Account, error) {
	out := []Account{} // known and empty differs from unknown (nil)
	listed := map[string]bool{}
	p := organizations.NewListAccountsPaginator(d.orgs, &organizations.ListAccountsInput{})
	for pages := 0; p.HasMorePages(); pages++ {
		if pages == maxPages {
			return nil, fmt.Errorf("ListAccounts: more than %d pages", maxPages)
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Accounts {
			id := aws.ToString(a.Id)
			if !accountIDRE.MatchString(id) || !Active(a) || !d.wanted(id) || listed[id] {
				continue
			}
			listed[id] = true
			out = append(out, Account{ID: id, Name: aws.ToString(a.Name),
				RoleARN: RoleARN(d.cfg.Partition, id, d.cfg.RoleName), ExternalID: d.cfg.ExternalID})
		}
	}
	if i := slices.IndexFunc(out, func(a Account) bool { return a.ID == d.cfg.BaseAccount }); i >= 0 {
		d.readBase(ctx, &out[i])
	}
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (d *Discoverer) wanted(id string) bool {
	if len(d.cfg.Include) > 0 && !slices.Contains(d.cfg.Include, id) {
		return false
	}
	return !slices.Contains(d.cfg.Exclude, id)
}

// readBase decides how the base identity's account is read: through the role when
// the base identity can assume it, else with the base identity. When the probe cannot
// tell, the last answer stands (the base identity before any).
func (d *Discoverer) readBase(ctx context.Context, a *Account) {
	if d.probe == nil {
		return
	}
	ok, err := d.probe(ctx, a.RoleARN, a.ExternalID)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case err == nil:
		d.baseRole = &ok
	case d.baseRole == nil:
		d.logger.Warn("Cannot tell whether the role can be assumed in the base identity's account; reading it with the base identity",
			zap.String("account", a.ID), zap.Error(err))
	}
	if d.baseRole == nil || !*d.baseRole {
		a.RoleARN, a.ExternalID = "", ""
	}
}

// diff returns the IDs added to and removed from a, in b.
func diff(a, b []Account) (added, removed []string) {
	ids := func(list []Account) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, x := range list {
			m[x.ID] = true
		}
		return m
	}
	inA, inB := ids(a), ids(b)
	for _, x := range b {
		if !inA[x.ID] {
			added = append(added, x.ID)
		}
	}
	for _, x := range a {
		if !inB[x.ID] {
			removed = append(removed, x.ID)
		}
	}
	return added, removed
}

// maxLoggedIDs bounds the account IDs one log line names: an organization of thousands
// would otherwise write them all in one line at the first listing.
const maxLoggedIDs = 50

func firstIDs(ids []string) []string {
	return ids[:min(len(ids), maxLoggedIDs)]
}
