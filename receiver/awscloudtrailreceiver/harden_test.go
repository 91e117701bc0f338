// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// The server's clock runs 10 minutes behind the host's: the skew gauge says so.
func TestClockSkewGauge(t *testing.T) {
	h := newHarness(t, awsemu.Options{ClockOffset: -10 * time.Minute})
	sink := new(consumertest.LogsSink)
	r := h.start(h.config(), sink, make(ticks))
	var points []metricdata.DataPoint[float64]
	require.Eventually(t, func() bool {
		m, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_clock_skew")
		if err != nil {
			return false
		}
		points = m.Data.(metricdata.Gauge[float64]).DataPoints
		return len(points) == 1
	}, 30*time.Second, 10*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))
	assert.Equal(t, streamAttrs(h.sts.account, "us-east-1", defaultEventSource), points[0].Attributes)
	assert.InDelta(t, -600, points[0].Value, 2)
}

// flakyStorage is a storage extension whose client fails every Set while failing is set.
type flakyStorage struct {
	component.StartFunc
	component.ShutdownFunc
	mu      sync.Mutex
	failing bool
	m       map[string][]byte
}

func (s *flakyStorage) GetClient(context.Context, component.Kind, component.ID, string) (storage.Client, error) {
	return flakyClient{s}, nil
}

func (s *flakyStorage) setFailing(v bool) { s.mu.Lock(); s.failing = v; s.mu.Unlock() }

type flakyClient struct{ s *flakyStorage }

func (c flakyClient) Get(_ context.Context, k string) ([]byte, error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.m[k], nil
}

func (c flakyClient) Set(_ context.Context, k string, v []byte) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.failing {
		return errors.New("no space left on device")
	}
	c.s.m[k] = v
	return nil
}

func (c flakyClient) Delete(_ context.Context, k string) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	delete(c.s.m, k)
	return nil
}

func (c flakyClient) Batch(context.Context, ...*storage.Operation) error { return nil }
func (c flakyClient) Close(context.Context) error                        { return nil }

// Failed checkpoint saves are counted and reported as a recoverable error until a save
// succeeds; the events keep flowing.
func TestFailedCheckpointSavesReportedUntilOneSucceeds(t *testing.T) {
	h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
	evs := h.addEvents(defaultEventSource, 20)
	id := component.MustNewID("flaky_storage")
	st := &flakyStorage{failing: true, m: map[string][]byte{}}
	h.host.setExtension(id, st)
	cfg := h.config()
	cfg.Storage = &id
	sink := new(consumertest.LogsSink)
	tick := make(ticks)
	r := h.start(cfg, sink, tick)
	require.Eventually(t, func() bool {
		return h.host.lastStatus() == componentstatus.StatusRecoverableError
	}, 30*time.Second, 10*time.Millisecond)
	assert.ElementsMatch(t, idsOf(evs), eventIDs(sink), "delivered though not saved")
	m, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_checkpoint_save_failures")
	require.NoError(t, err)
	pts := m.Data.(metricdata.Sum[int64]).DataPoints
	require.Len(t, pts, 1)
	assert.Positive(t, pts[0].Value)

	st.setFailing(false)
	tick <- time.Now()
	require.Eventually(t, func() bool { return h.host.lastStatus() == componentstatus.StatusOK }, 30*time.Second, 10*time.Millisecond)
	require.NoError(t, r.Shutdown(context.Background()))
	st.mu.Lock()
	defer st.mu.Unlock()
	assert.NotEmpty(t, st.m, "saved once the storage healed")
}
