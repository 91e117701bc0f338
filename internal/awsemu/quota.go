// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"sync"
	"time"
)

// quota is a token bucket per (account, region), driven by Options.Clock.
type quota struct {
	rate  float64 // tokens per second; <0: unlimited
	burst float64
	mu    sync.Mutex
	b     map[streamKey]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newQuota(rate float64, burst int) *quota {
	return &quota{rate: rate, burst: float64(burst), b: make(map[streamKey]*bucket)}
}

// allow takes a token from the account-region's bucket, if it has one. A new bucket
// starts full.
func (q *quota) allow(account, region string, now time.Time) bool {
	if q.rate < 0 {
		return true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	k := streamKey{account, region}
	b, ok := q.b[k]
	if !ok {
		b = &bucket{tokens: q.burst, last: now}
		q.b[k] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(q.burst, b.tokens+elapsed.Seconds()*q.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
