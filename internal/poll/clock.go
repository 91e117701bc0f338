// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"sync"
	"time"
)

// serverClock estimates the CloudTrail server's clock: the server time of the last response
// (its Date header) plus the host time elapsed since. The host clock only measures the
// elapsed time; with time.Now that is the monotonic clock, which a wall-clock jump does
// not move. Before the first response it reads the host clock.
type serverClock struct {
	host func() time.Time

	mu     sync.Mutex
	known  bool
	server time.Time // server time of the last response
	at     time.Time // host time when it arrived
}

func (c *serverClock) now() time.Time {
	h := c.host()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.known {
		return h
	}
	return c.server.Add(h.Sub(c.at))
}

// observe records the server time of a response and returns the skew (server - host).
// The Date header has a resolution of a second, so the estimate trails the server by
// up to a second: the safe side for an EndTime and for settling.
func (c *serverClock) observe(server time.Time) time.Duration {
	h := c.host()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.known, c.server, c.at = true, server, h
	return server.Sub(h.Round(0))
}

// skew returns server - host as of the last response; ok is false before one.
func (c *serverClock) skew() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.server.Sub(c.at.Round(0)), c.known
}

func (c *serverClock) isKnown() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.known
}
