// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
)

type redactionMetrics struct {
	*countMetrics
	mu      sync.Mutex
	dropped int
}

func (m *redactionMetrics) RedactionDropped(_ context.Context, n int) {
	m.mu.Lock()
	m.dropped += n
	m.mu.Unlock()
}

// With redaction on, a record the redactor cannot read is dropped and counted as such,
// never exported unredacted; the rest of the slice goes on, and it is counted once.
func TestUnredactableEventsDroppedAndCounted(t *testing.T) {
	e := newEnv(t, awsemu.Options{})
	set := e.settings()
	set.Start = t0.Add(-time.Hour)
	set.Redact = redact.New([]string{"sourceIPAddress"}, redact.Drop, "")
	e.srv.SetFaults(awsemu.Faults{MalformedRate: 0.25})
	var good []awsemu.Event
	bad := 0
	for i := range 60 {
		ev := e.add(t0.Add(-time.Hour+time.Duration(i)*time.Minute), 0, "DescribeAlert")
		if e.srv.Malformed(ev.EventID) {
			bad++
		} else {
			good = append(good, ev)
		}
	}
	require.Positive(t, bad)
	m := &redactionMetrics{countMetrics: e.metrics}
	s := NewStream(set, Deps{Source: e.client, Next: e.sink, Store: e.store, Metrics: m, Now: e.clock.Now})
	e.poll(s)
	emitted, _, malformed := e.metrics.get()
	assert.Equal(t, bad, m.dropped)
	assert.Zero(t, malformed, "refused by the redactor, not by the translator")
	assert.Equal(t, idsOldestFirst(good), emittedIDs(e.sink), "the rest of the page goes on")
	assert.Equal(t, len(good), emitted)
	for _, ld := range e.sink.AllLogs() {
		for i := range ld.ResourceLogs().Len() {
			lrs := ld.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords()
			for k := range lrs.Len() {
				_, has := lrs.At(k).Attributes().Get("source.address")
				assert.False(t, has)
				assert.False(t, strings.Contains(lrs.At(k).Body().AsString(), "sourceIPAddress"))
			}
		}
	}

	e.clock.Advance(time.Minute)
	e.poll(s)
	assert.Equal(t, bad, m.dropped, "counted once, not on every re-read")
}
