// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"math/rand/v2"
	"sync"
	"time"
)

// LookoutMetricsEventSource is the eventSource of Lookout for Metrics CloudTrail events.
const LookoutMetricsEventSource = "lookoutmetrics.amazonaws.com"

// UniformDelay returns a delivery delay function (Options.DeliveryDelay) drawing
// uniformly from [lo, hi] with a source seeded by seed. It is safe for concurrent
// use. With hi <= lo it always returns lo.
func UniformDelay(lo, hi time.Duration, seed uint64) func() time.Duration {
	if hi <= lo {
		return func() time.Duration { return lo }
	}
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	return func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
	}
}
