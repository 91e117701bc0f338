// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import "time"

// clock is the processor's notion of time; tests inject a fake one. Every age and
// deadline of the processor is measured on it, never on the wall clock, so a wall-clock
// step (NTP, an operator, a VM resumed) neither keeps an index entry past ttl nor drops
// it early.
type clock interface {
	// Now is a monotonic reading: the time since an origin of the clock's own.
	Now() time.Duration
	// NewTimer returns a stopped timer.
	NewTimer() timer
}

// timer fires once on C after Reset(d); Stop cancels it.
type timer interface {
	C() <-chan time.Time
	Reset(d time.Duration)
	Stop()
}

// realClock reads Go's monotonic clock: time.Since of a time.Now() uses the monotonic
// readings of both.
type realClock struct{ origin time.Time }

func newRealClock() realClock { return realClock{origin: time.Now()} }

func (c realClock) Now() time.Duration { return time.Since(c.origin) }

func (realClock) NewTimer() timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return realTimer{t}
}

// realTimer is a time.Timer; since Go 1.23, Reset and Stop need no draining.
type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time   { return r.t.C }
func (r realTimer) Reset(d time.Duration) { r.t.Reset(d) }
func (r realTimer) Stop()                 { r.t.Stop() }
