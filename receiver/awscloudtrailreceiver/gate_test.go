// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// readingServer fronts the emulator and counts the slice queries (StartTime before
// EndTime: not the clock probes) it answers at once, each held 20 ms.
type readingServer struct {
	now, peak atomic.Int32
}

func (rs *readingServer) front(t *testing.T, next http.Handler) string {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var q struct{ StartTime, EndTime float64 }
		if json.Unmarshal(body, &q) == nil && q.StartTime < q.EndTime {
			n := rs.now.Add(1)
			defer rs.now.Add(-1)
			notePeak(&rs.peak, n)
			time.Sleep(20 * time.Millisecond) // a slow server, so that streams overlap
		}
		next.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// max_concurrent_reads bounds how many streams of the receiver read at once, whatever the
// number of streams: 8 sources with 2 places never have more than 2 slice queries in
// flight, and every event still arrives; with the default, more of them read at once.
func TestMaxConcurrentReadsBoundsStreamsReading(t *testing.T) {
	sources := []string{defaultEventSource, "iam.amazonaws.com", "s3.amazonaws.com", "ec2.amazonaws.com",
		"kms.amazonaws.com", "sts.amazonaws.com", "lambda.amazonaws.com", "logs.amazonaws.com"}
	run := func(places int) int32 {
		h := newHarness(t, awsemu.Options{RequestsPerSecond: -1})
		var want []string
		for _, s := range sources {
			want = append(want, idsOf(h.addEvents(s, 120))...)
		}
		rs := &readingServer{}
		cfg := h.config()
		cfg.Endpoint = rs.front(t, h.srv.Handler())
		cfg.EventSources, cfg.RequestsPerSecond, cfg.MaxConcurrentReads = sources, 1000, places
		sink := new(consumertest.LogsSink)
		r := h.start(cfg, sink, make(ticks))
		require.Eventually(t, func() bool { return sink.LogRecordCount() >= len(want) }, 60*time.Second, 5*time.Millisecond)
		require.NoError(t, r.Shutdown(context.Background()))
		assert.ElementsMatch(t, want, eventIDs(sink))
		return rs.peak.Load()
	}
	assert.LessOrEqual(t, run(2), int32(2), "never more than max_concurrent_reads streams reading")
	assert.Greater(t, run(DefaultMaxConcurrentReads), int32(2), "with room, more streams read at once")
}

// Organization discovery or more streams than max_concurrent_reads read in smaller slices,
// so that the gate bounds memory; a few streams keep the large slices that spend the
// quota best.
func TestManyStreamsReadSmallerSlices(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Regions = []string{"us-east-1", "eu-west-1"}
	r, err := newReceiver(receivertest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	set, err := r.streamSettings()
	require.NoError(t, err)
	assert.Zero(t, set.TargetEvents, "the poll package's defaults")

	cfg.MaxConcurrentReads = 1
	set, err = r.streamSettings()
	require.NoError(t, err)
	assert.Equal(t, manyStreamsTargetEvents, set.TargetEvents)
	assert.Equal(t, manyStreamsMaxEvents, set.MaxEvents)
	assert.Equal(t, manyStreamsInitialSlice, set.InitialSlice, "a short first slice: see TestDenseBackfillWithShortFirstSliceHoldsOneSlice")
	assert.True(t, set.ReadAgainOnSplit, "see TestDenseHistoryAfterAnEmptyStretchHoldsOneSlice")

	cfg.MaxConcurrentReads = DefaultMaxConcurrentReads
	cfg.Organization = configoptional.Some(OrganizationConfig{RoleName: "reader", RefreshInterval: time.Hour})
	set, err = r.streamSettings()
	require.NoError(t, err)
	assert.Equal(t, manyStreamsTargetEvents, set.TargetEvents)
}
