// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"runtime"
)

// Gate bounds how many streams read a slice at once, and how many of those hand records
// to the pipeline at once. A stream holds a place from the first page of a slice until
// the slice was emitted (or failed), so the events a receiver holds in memory are at
// most the gate's size times a slice (Settings.MaxEvents per split level), however many
// accounts and regions it polls. Translating and delivering takes a second, smaller
// kind of place (see deliverySize): the translated records and the exporter's work on
// them (an encoded request, a connection with its buffers, when the exporter has no
// queue) are then bounded by that, while the other streams wait for the API. Waiting
// streams enter in the order they came (a channel's waiters are served first in, first
// out), so a busy catch-up cannot starve a stream that only has a page of live events to
// read. A nil Gate bounds nothing.
type Gate struct {
	places     chan struct{}
	delivering chan struct{}
}

// NewGate returns a gate of n reading places (at least one), and deliverySize(n)
// delivering places.
func NewGate(n int) *Gate {
	n = max(n, 1)
	return &Gate{places: make(chan struct{}, n), delivering: make(chan struct{}, deliverySize(n))}
}

// deliverySize is an eighth of n reading places, but at least 4 (n itself when smaller):
// 64 places deliver 8 parts at once. Exports are fast next to reads, which wait for the
// API's quota; a few at once keep up with every place reading, while each more costs a
// translated part and an exporter's request and connection.
func deliverySize(n int) int {
	return max(n/8, min(n, 4))
}

// Size is the gate's number of places.
func (g *Gate) Size() int { return cap(g.places) }

// DeliverySize is the gate's number of delivering places.
func (g *Gate) DeliverySize() int { return cap(g.delivering) }

// InUse is how many places are held now.
func (g *Gate) InUse() int { return len(g.places) }

// Do runs fn under a reading place, waiting for one until ctx ends (then fn does not
// run and Do returns ctx's error). Besides the streams' slices, the receiver runs under
// a place each call that starts an account-region (the credentials' first fetch,
// sts:GetCallerIdentity), so that hundreds of account-regions starting at once do not
// all hold a request and a connection at once.
//
// fn runs on a goroutine of its own, which ends with it, while the caller waits: the
// deep calls of a read (the SDK's middleware, its JSON decoder, translation) grow that
// goroutine's stack to tens of KiB, and a stream's own goroutine, which lives as long
// as the stream, would keep such a stack between its reads. So the stacks grown are at
// most one per place, not one per stream: 850 streams kept about 45 MiB of stacks. A
// panic of fn (or its runtime.Goexit) is raised again on the caller's goroutine.
func (g *Gate) Do(ctx context.Context, fn func()) error {
	if g == nil {
		fn()
		return nil
	}
	if err := take(ctx, g.places); err != nil {
		return err
	}
	defer func() { <-g.places }()
	done := make(chan struct{})
	var (
		returned bool
		panicked any
	)
	go func() {
		defer close(done)
		defer func() {
			if !returned {
				panicked = recover() // nil for a runtime.Goexit
			}
		}()
		fn()
		returned = true
	}()
	<-done
	switch {
	case returned:
		return nil
	case panicked != nil:
		panic(panicked) // the caller's, as if fn had run on its goroutine (the place is given back first)
	default:
		runtime.Goexit() // fn called it: it ends the caller, as on its own goroutine
		return nil
	}
}

// enterDelivery takes a delivering place; a stream takes it while it holds a reading
// place, and gives it back before it takes anything else, so the two never deadlock.
func (g *Gate) enterDelivery(ctx context.Context) error {
	if g == nil {
		return nil
	}
	return take(ctx, g.delivering)
}

func (g *Gate) leaveDelivery() {
	if g != nil {
		<-g.delivering
	}
}

func take(ctx context.Context, places chan struct{}) error {
	select {
	case places <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
