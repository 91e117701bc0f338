// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import "context"

// Gate bounds how many streams read a slice at once. A stream holds a place from the
// first page of a slice until the slice was emitted (or failed), so the events a receiver
// holds in memory are at most the gate's size times a slice (Settings.MaxEvents per
// split level), however many accounts and regions it polls. Waiting streams enter in
// the order they came (a channel's waiters are served first in, first out), so a busy
// catch-up cannot starve a stream that only has a page of live events to read. A nil
// Gate bounds nothing.
type Gate struct {
	places chan struct{}
}

// NewGate returns a gate of n places (at least one).
func NewGate(n int) *Gate {
	return &Gate{places: make(chan struct{}, max(n, 1))}
}

// Size is the gate's number of places.
func (g *Gate) Size() int { return cap(g.places) }

// InUse is how many places are held now.
func (g *Gate) InUse() int { return len(g.places) }

func (g *Gate) enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g.places <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *Gate) leave() {
	if g != nil {
		<-g.places
	}
}
