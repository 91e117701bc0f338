// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/accounts"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// slowStops stands in for an account-region's polling: each run records itself and, once
// its context ends, stays running until the test lets it go (a stream mid-delivery that
// persists its checkpoint on the way out).
type slowStops struct {
	mu      sync.Mutex
	live    map[string]int // target label ("all": every target) -> runs not yet returned
	most    map[string]int // target label ("all": every target) -> most runs at once
	started chan target
	release chan struct{}
}

func (s *slowStops) run(ctx context.Context, rr regionRun) {
	acct := rr.target.label()
	s.mu.Lock()
	for _, k := range []string{acct, "all"} {
		s.live[k]++
		s.most[k] = max(s.most[k], s.live[k])
	}
	s.mu.Unlock()
	s.started <- rr.target
	<-ctx.Done()
	<-s.release
	s.mu.Lock()
	s.live[acct]--
	s.live["all"]--
	s.mu.Unlock()
}

func (s *slowStops) mostAtOnce(acct string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.most[acct]
}

func newSlowStopsReceiver(t *testing.T) (*cloudtrailReceiver, *slowStops) {
	r, err := newReceiver(receivertest.NewNopSettings(metadata.Type), createDefaultConfig().(*Config), consumertest.NewNop())
	require.NoError(t, err)
	s := &slowStops{live: map[string]int{}, most: map[string]int{}, started: make(chan target, 16), release: make(chan struct{})}
	r.regions = []regionRun{{region: "us-east-1"}}
	r.runAccountRegion = s.run
	return r, s
}

// An account that the organization drops and lists again, or whose role changes (the
// management account read with the base identity, then through its role), never has two
// pollers at once: they would share one checkpoint key. The new one starts only once the
// old one returned.
func TestOrganizationRestartWaitsForTheOldPoller(t *testing.T) {
	for name, lists := range map[string][][]accounts.Account{
		"removed then listed again": {
			{{ID: acctA, RoleARN: "arn:aws:iam::" + acctA + ":role/reader"}},
			{},
			{{ID: acctA, RoleARN: "arn:aws:iam::" + acctA + ":role/reader"}},
		},
		"dropped and listed twice while the first still stops": {
			{{ID: acctA, RoleARN: "arn:aws:iam::" + acctA + ":role/reader"}},
			{},
			{{ID: acctA, RoleARN: "arn:aws:iam::" + acctA + ":role/reader"}},
			{},
			{{ID: acctA, RoleARN: "arn:aws:iam::" + acctA + ":role/reader", ExternalID: "x"}},
		},
		"role changes": {
			{{ID: acctA}},
			{{ID: acctA, RoleARN: "arn:aws:iam::" + acctA + ":role/reader"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			r, s := newSlowStopsReceiver(t)
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			running := orgTargets{}
			r.applyAccounts(ctx, &wg, running, lists[0])
			first := <-s.started
			for _, list := range lists[1:] {
				r.applyAccounts(ctx, &wg, running, list)
			}
			select {
			case second := <-s.started:
				t.Fatalf("%+v started while %+v had not returned", second, first)
			default:
			}
			close(s.release) // the old poller returns; the new one may start
			want := lists[len(lists)-1][0]
			require.Eventually(t, func() bool {
				select {
				case got := <-s.started:
					require.Equal(t, target{roleARN: want.RoleARN, externalID: want.ExternalID}, got)
					return true
				default:
					return false
				}
			}, 5*time.Second, time.Millisecond)
			require.Equal(t, 1, s.mostAtOnce("all"), "two pollers of account %s at once", acctA)
			select {
			case extra := <-s.started:
				t.Fatalf("a poller stopped before it started ran anyway: %+v", extra)
			default:
			}
			cancel()
			wg.Wait()
		})
	}
}

// Removing an account stops it without waiting for it; the others keep running.
func TestOrganizationRemovalDoesNotBlock(t *testing.T) {
	r, s := newSlowStopsReceiver(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	running := orgTargets{}
	a := accounts.Account{ID: acctA, RoleARN: "arn:aws:iam::" + acctA + ":role/reader"}
	b := accounts.Account{ID: acctB, RoleARN: "arn:aws:iam::" + acctB + ":role/reader"}
	r.applyAccounts(ctx, &wg, running, []accounts.Account{a})
	<-s.started
	r.applyAccounts(ctx, &wg, running, []accounts.Account{b}) // A is stuck stopping
	require.Equal(t, b.RoleARN, (<-s.started).roleARN)
	close(s.release)
	cancel()
	wg.Wait()
}
