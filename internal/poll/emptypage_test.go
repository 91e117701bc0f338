// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
)

// An empty page that carries a NextToken is legal: both members are optional.
func TestEmptyPageWithNextTokenDoesNotPanic(t *testing.T) {
	clock := newFakeClock(t0)
	// The first page is empty but for its token, and so is one after a short page.
	src := &fakeSource{rng: rand.New(rand.NewPCG(1, 2)), now: clock.Now, pageSizes: []int{0, 0, 1, 0}}
	var want []string
	for i := range 3 {
		e := fakeRecord(fakeUUID(uint64(i+1)), "CreateAlert", t0.Add(-time.Duration(10-i)*time.Minute), false)
		src.add(fakeEvent{ev: e})
		want = append(want, e.ID)
	}
	sink := new(consumertest.LogsSink)
	set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute, Start: t0.Add(-time.Hour)}
	s := NewStream(set, Deps{Source: src, Next: sink, Store: checkpoint.NewMemoryStore(), Now: clock.Now})
	require.NotPanics(t, func() { require.NoError(t, s.Poll(context.Background())) })
	require.Equal(t, want, emittedIDs(sink))
}
