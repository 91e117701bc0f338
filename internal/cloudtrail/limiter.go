// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiters hands out one limiter per (account, region) key, so every stream of a process
// that polls the same account and region shares its LookupEvents quota.
type Limiters struct {
	mu sync.Mutex
	m  map[string]*sharedLimiter
}

// sharedLimiter is one account-region's limiter and the rates its users claim.
type sharedLimiter struct {
	lim    *rate.Limiter
	claims map[*claim]float64
}

// claim is one user's hold on a limiter. It is not zero-sized, so every claim has an
// address of its own.
type claim struct{ _ byte }

// SharedLimiters is the process-wide registry used by the receiver.
var SharedLimiters = &Limiters{}

// spacingMargin is added to the 1/rps spacing of requests, so that network jitter cannot
// squeeze rps+1 requests into one second on the server's side. At 2 requests/s it costs
// 1% of the quota.
const spacingMargin = 5 * time.Millisecond

// limit is the pace for rps requests per second.
func limit(rps float64) rate.Limit {
	return rate.Every(time.Duration(float64(time.Second)/rps) + spacingMargin)
}

// LimiterKey names the quota of an account-region: the account ID and the region, never
// the configuration that reaches them.
func LimiterKey(account, region string) string {
	return account + "/" + region
}

// Claim returns the limiter for key and registers a user of it at rps; release ends that
// claim (calling it again does nothing). The limiter has a burst of one, so requests are
// spaced at least 1/rps apart and no one-second window holds more than rps of them. Its
// rate is the lowest among the claims still held: the quota belongs to the account, not
// to a configuration, and a slower receiver that stops no longer slows the others.
func (l *Limiters) Claim(key string, rps float64) (lim *rate.Limiter, release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = make(map[string]*sharedLimiter)
	}
	s, ok := l.m[key]
	if !ok {
		s = &sharedLimiter{lim: rate.NewLimiter(limit(rps), 1), claims: map[*claim]float64{}}
		l.m[key] = s
	}
	c := &claim{}
	s.claims[c] = rps
	s.apply()
	var once sync.Once
	return s.lim, func() { once.Do(func() { l.release(key, s, c) }) }
}

func (l *Limiters) release(key string, s *sharedLimiter, c *claim) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(s.claims, c)
	if len(s.claims) == 0 {
		delete(l.m, key)
		return
	}
	s.apply()
}

// apply sets the limiter to the lowest claimed rate.
func (s *sharedLimiter) apply() {
	if want := limit(s.lowest()); want != s.lim.Limit() {
		s.lim.SetLimit(want)
	}
}

// Rate returns the requests per second the limiter of key allows now, and false when no
// one holds a claim on it.
func (l *Limiters) Rate(key string) (float64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.m[key]
	if !ok {
		return 0, false
	}
	return s.lowest(), true
}

func (s *sharedLimiter) lowest() float64 {
	lowest := 0.0
	for _, rps := range s.claims {
		if lowest == 0 || rps < lowest {
			lowest = rps
		}
	}
	return lowest
}

var _ Waiter = (*rate.Limiter)(nil)
