// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// poisonConsumer permanently refuses any batch that holds a poisoned event ID.
type poisonConsumer struct {
	next     consumer.Logs
	poisoned map[string]bool
	calls    int
}

func (p *poisonConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (p *poisonConsumer) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	p.calls++
	var bad error
	forEachRecord(ld, func(lr plog.LogRecord) {
		v, _ := lr.Attributes().Get("aws.cloudtrail.event_id")
		if p.poisoned[v.Str()] {
			bad = consumererror.NewPermanent(fmt.Errorf("record %s: mapping conflict", v.Str()))
		}
	})
	if bad != nil {
		return bad
	}
	return p.next.ConsumeLogs(ctx, ld)
}

func TestPermanentRefusalDropsOnlyPoisonedEventsAndAdvances(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	var evs []awsemu.Event
	for i := range 300 {
		evs = append(evs, e.add(t0.Add(-50*time.Minute+time.Duration(i)*time.Second), 0, "GetAnomalyGroup"))
	}
	poisoned := evs[137].EventID
	cons := &poisonConsumer{next: e.sink, poisoned: map[string]bool{poisoned: true}}
	core, logs := observer.New(zapcore.WarnLevel)
	s := NewStream(set, Deps{Source: e.client, Next: cons, Store: e.store, Metrics: e.metrics,
		Logger: zap.New(core), Now: e.clock.Now})

	require.NoError(t, s.Poll(context.Background()), "a permanent refusal does not fail the poll")
	want := slices.DeleteFunc(idsOldestFirst(evs), func(id string) bool { return id == poisoned })
	assert.Equal(t, want, emittedIDs(e.sink), "every other event delivered, oldest first")
	emitted, _, _ := e.metrics.get()
	assert.Equal(t, 299, emitted)
	assert.Equal(t, 1, e.metrics.refused)
	warns := logs.FilterMessage("Pipeline refused events permanently; dropping them").All()
	require.Len(t, warns, 1, "one warning per batch")
	assert.Equal(t, []any{poisoned}, warns[0].ContextMap()["event_ids"])
	assert.Less(t, cons.calls, 30, "bisection, not one call per event")

	// The stream advanced: the next poll reads the overlap again and delivers nothing new,
	// and the poisoned event, now in seen, is not sent again.
	calls := cons.calls
	e.clock.Advance(time.Minute)
	require.NoError(t, s.Poll(context.Background()))
	assert.Len(t, emittedIDs(e.sink), 299)
	assert.Equal(t, calls, cons.calls)
	st, found, err := e.store.Load(context.Background(), set.CheckpointKey())
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, t0.Add(time.Minute), st.Head)
}

func TestRetryableRefusalStillAdvancesNothing(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	e.add(t0.Add(-30*time.Minute), 0, "CreateAlert")
	calls := 0
	next, err := consumer.NewLogs(func(context.Context, plog.Logs) error {
		calls++
		return errors.New("exporter queue is full")
	})
	require.NoError(t, err)
	s := NewStream(set, Deps{Source: e.client, Next: next, Store: e.store, Metrics: e.metrics, Now: e.clock.Now})
	require.Error(t, s.Poll(context.Background()))
	assert.Equal(t, 1, calls, "a retryable error is not bisected")
	assert.Zero(t, e.metrics.refused)
	_, found, err := e.store.Load(context.Background(), set.CheckpointKey())
	require.NoError(t, err)
	assert.False(t, found)
}
