// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// Backoff after a failed poll: it starts at retryBase, doubles per consecutive failure,
// never exceeds the poll interval, and carries +-20% jitter (regular polls carry none) so streams that failed
// together do not retry together.
const retryBase = time.Second

// RetryDelay is the wait before the next poll after failures consecutive failed polls
// (0 = the last poll succeeded) whose last error was err.
func RetryDelay(interval time.Duration, failures int, err error) time.Duration {
	if failures == 0 || errors.Is(err, ErrCheckpointSave) {
		return interval // a failing storage is retried by the next regular poll
	}
	switch cloudtrail.Classify(err) {
	case cloudtrail.KindAccessDenied, cloudtrail.KindClient:
		return interval // will not fix itself within seconds
	}
	d := retryBase << min(failures-1, 20)
	if d > interval {
		d = interval
	}
	return d
}

func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// Timer returns a channel that fires after d; tests replace it.
type Timer func(d time.Duration) <-chan time.Time

// Run polls now and then every interval until ctx ends, retrying failures sooner (see
// RetryDelay). report sees every poll's result. Successful polls start every interval
// (a poll that took longer than interval is followed at once), so an event waits at most
// interval for the poll that reads it, however long the polls take.
func (s *Stream) Run(ctx context.Context, interval time.Duration, after Timer, report func(error)) {
	if after == nil {
		after = time.After
	}
	failures := 0
	for {
		began := s.deps.Now()
		err := s.Poll(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
		} else {
			failures = 0
		}
		report(err)
		wait := RetryDelay(interval, failures, err)
		if failures > 0 {
			wait = jitter(wait)
		} else {
			wait = max(wait-s.deps.Now().Sub(began), 0)
		}
		select {
		case <-ctx.Done():
			return
		case <-after(wait):
		}
	}
}
