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
	m  map[string]*rate.Limiter
}

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

// Get returns the limiter for key, creating it at rps. The limiter has a burst of one,
// so requests are spaced at least 1/rps apart and no one-second window holds more than
// rps of them. When two callers ask for the same key with different rates, the lower one
// wins: the quota belongs to the account, not to a configuration.
func (l *Limiters) Get(key string, rps float64) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = make(map[string]*rate.Limiter)
	}
	lim, ok := l.m[key]
	if !ok {
		lim = rate.NewLimiter(limit(rps), 1)
		l.m[key] = lim
		return lim
	}
	if want := limit(rps); want < lim.Limit() {
		lim.SetLimit(want)
	}
	return lim
}

var _ Waiter = (*rate.Limiter)(nil)
