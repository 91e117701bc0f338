// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package deliver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
)

const idKey = "aws.cloudtrail.event_id"

func eventID(lr plog.LogRecord) string {
	v, _ := lr.Attributes().Get(idKey)
	return v.Str()
}

// testLogs builds n records spread over two resources (two scopes in the second).
func testLogs(n int) plog.Logs {
	ld := plog.NewLogs()
	var sls []plog.ScopeLogs
	for r := 0; r < 2; r++ {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("cloud.region", fmt.Sprintf("region-%d", r))
		for s := 0; s <= r; s++ {
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName(fmt.Sprintf("scope-%d-%d", r, s))
			sls = append(sls, sl)
		}
	}
	for i := 0; i < n; i++ {
		lr := sls[i%len(sls)].LogRecords().AppendEmpty()
		lr.Attributes().PutStr(idKey, fmt.Sprintf("ev-%04d", i))
		lr.Body().SetStr(fmt.Sprintf("body %d", i))
	}
	return ld
}

// refusing accepts a batch unless it holds a poisoned ID (permanent refusal) or more
// than maxRecords records (permanent, when maxRecords > 0). It records what it accepted
// and mutates every batch it sees, as a processor may.
type refusing struct {
	poisoned   map[string]bool
	maxRecords int
	accepted   []string
	resources  map[string]string // accepted ID -> resource region
	calls      int
}

func (c *refusing) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: true}
}

func (c *refusing) ConsumeLogs(_ context.Context, ld plog.Logs) error {
	c.calls++
	var ids, regions []string
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		rl := ld.ResourceLogs().At(i)
		region, _ := rl.Resource().Attributes().Get("cloud.region")
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			lrs := rl.ScopeLogs().At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				ids = append(ids, eventID(lrs.At(k)))
				regions = append(regions, region.Str())
				lrs.At(k).Attributes().PutStr(idKey, "mutated") // a later part must not see this
			}
		}
	}
	if c.maxRecords > 0 && len(ids) > c.maxRecords {
		return consumererror.NewPermanent(errors.New("payload too large"))
	}
	for _, id := range ids {
		if c.poisoned[id] {
			return consumererror.NewPermanent(fmt.Errorf("record %s refused", id))
		}
	}
	if c.resources == nil {
		c.resources = map[string]string{}
	}
	for i, id := range ids {
		c.accepted = append(c.accepted, id)
		c.resources[id] = regions[i]
	}
	return nil
}

func allIDs(n int, except ...string) []string {
	var ids []string
	for i := 0; i < n; i++ {
		if id := fmt.Sprintf("ev-%04d", i); !slices.Contains(except, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

func TestPermanentRefusalDropsOnlyPoisonedRecords(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 100, 1000} {
		for _, poisoned := range [][]int{{0}, {n - 1}, {n / 2}, {0, n - 1}, {1, 2, n / 3}} {
			t.Run(fmt.Sprintf("n=%d/poisoned=%v", n, poisoned), func(t *testing.T) {
				c := &refusing{poisoned: map[string]bool{}}
				var want []string
				for _, p := range poisoned {
					if p >= 0 && p < n {
						c.poisoned[fmt.Sprintf("ev-%04d", p)] = true
					}
				}
				for id := range c.poisoned {
					want = append(want, id)
				}
				slices.Sort(want)
				ld := testLogs(n)
				res, err := Deliver(context.Background(), c, FromLogs(ld, eventID))
				require.NoError(t, err)
				got := slices.Clone(res.Dropped)
				slices.Sort(got)
				require.Equal(t, want, got)
				accepted := slices.Clone(c.accepted)
				slices.Sort(accepted)
				require.Equal(t, allIDs(n, want...), accepted, "every other record delivered once")
				require.Equal(t, n-len(want), res.Delivered)
				require.Equal(t, c.calls, res.Calls)
				require.Error(t, res.Cause)
				require.True(t, consumererror.IsPermanent(res.Cause))
				// Records keep their resource through the split.
				for id, region := range c.resources {
					var i int
					_, _ = fmt.Sscanf(id, "ev-%04d", &i)
					wantRegion := "region-0"
					if i%3 != 0 {
						wantRegion = "region-1"
					}
					require.Equal(t, wantRegion, region, id)
				}
				// k poisoned among n cost O(k log n) calls, not n.
				require.LessOrEqual(t, res.Calls, 1+2*len(want)*(bitLen(n)+1))
			})
		}
	}
}

func bitLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}

func TestAcceptedBatchIsOneCall(t *testing.T) {
	c := &refusing{}
	res, err := Deliver(context.Background(), c, FromLogs(testLogs(50), eventID))
	require.NoError(t, err)
	require.Equal(t, Result{Delivered: 50, Calls: 1}, res)
	require.Equal(t, allIDs(50), sorted(c.accepted))
}

func TestBatchTooLargeIsDeliveredInParts(t *testing.T) {
	c := &refusing{maxRecords: 10}
	res, err := Deliver(context.Background(), c, FromLogs(testLogs(100), eventID))
	require.NoError(t, err)
	require.Empty(t, res.Dropped)
	require.Equal(t, 100, res.Delivered)
	require.Equal(t, allIDs(100), sorted(c.accepted))
}

func TestRetryableErrorReturnedUnchanged(t *testing.T) {
	boom := errors.New("exporter queue full")
	calls := 0
	next, err := consumer.NewLogs(func(context.Context, plog.Logs) error { calls++; return boom })
	require.NoError(t, err)
	res, err := Deliver(context.Background(), next, FromLogs(testLogs(20), eventID))
	require.Same(t, boom, err)
	require.Equal(t, 1, calls, "a retryable error is not bisected")
	require.Zero(t, res.Delivered)
	require.Empty(t, res.Dropped)
}

func TestRetryableErrorInsideBisectionStops(t *testing.T) {
	boom := errors.New("backend unavailable")
	calls := 0
	next, err := consumer.NewLogs(func(_ context.Context, ld plog.Logs) error {
		calls++
		if calls == 1 {
			return consumererror.NewPermanent(errors.New("refused"))
		}
		return boom
	})
	require.NoError(t, err)
	res, err := Deliver(context.Background(), next, FromLogs(testLogs(20), eventID))
	require.ErrorIs(t, err, boom)
	require.Equal(t, 2, calls)
	require.Empty(t, res.Dropped, "nothing is dropped on a retryable error")
}

func TestEverythingRefusedDropsEverything(t *testing.T) {
	next, err := consumer.NewLogs(func(context.Context, plog.Logs) error {
		return consumererror.NewPermanent(errors.New("no such index"))
	})
	require.NoError(t, err)
	res, err := Deliver(context.Background(), next, FromLogs(testLogs(16), eventID))
	require.NoError(t, err)
	require.Equal(t, allIDs(16), sorted(res.Dropped))
	require.Equal(t, 31, res.Calls)
}

func TestEmptyBatchCallsNothing(t *testing.T) {
	c := &refusing{}
	res, err := Deliver(context.Background(), c, FromLogs(plog.NewLogs(), eventID))
	require.NoError(t, err)
	require.Zero(t, c.calls)
	require.Equal(t, Result{}, res)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// laterRefusal refuses for now any batch holding one of its IDs, after refusing for good
// (through refusing) the batches that hold a poisoned one.
type laterRefusal struct {
	refusing
	notYet map[string]bool
}

func (c *laterRefusal) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if holdsAny(ld, c.notYet) && !holdsAny(ld, c.poisoned) {
		return errors.New("queue full")
	}
	return c.refusing.ConsumeLogs(ctx, ld)
}

// holdsAny reports whether ld holds a record with one of ids.
func holdsAny(ld plog.Logs, ids map[string]bool) bool {
	b := FromLogs(ld, eventID)
	for i := range b.Len() {
		if ids[b.ID(i)] {
			return true
		}
	}
	return false
}

// A refusal for now in the middle of a bisection leaves what came before it done with,
// and that is a prefix of the batch: Delivered + len(Dropped) records (the caller skips
// them when it sends the rest again).
func TestRefusalForNowLeavesADoneWithPrefix(t *testing.T) {
	c := &laterRefusal{refusing: refusing{poisoned: map[string]bool{"ev-0003": true}}, notYet: map[string]bool{"ev-0010": true}}
	b := FromLogs(testLogs(16), eventID)
	res, err := Deliver(context.Background(), c, b)
	require.Error(t, err)
	require.Equal(t, []string{"ev-0003"}, res.Dropped)
	var prefix []string
	for i := range res.Delivered + len(res.Dropped) {
		if id := b.ID(i); id != "ev-0003" {
			prefix = append(prefix, id)
		}
	}
	require.Equal(t, 8, res.Delivered+len(res.Dropped), "the first half, bisected, is done with")
	require.ElementsMatch(t, prefix, c.accepted, "what was delivered is exactly the prefix, less the dropped record")
}
