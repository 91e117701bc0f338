// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

var errRefused = errors.New("pipeline refused the batch")

var metricdataOpts = []metricdatatest.Option{metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars()}

func streamAttrs(account, region, source string) attribute.Set {
	return attribute.NewSet(attribute.String("account", account), attribute.String("region", region),
		attribute.String("event_source", source))
}

func outcomeAttrs(account, region, outcome string) attribute.Set {
	return attribute.NewSet(attribute.String("account", account), attribute.String("region", region),
		attribute.String("outcome", outcome))
}

func regionAttrs(account, region string) attribute.Set {
	return attribute.NewSet(attribute.String("account", account), attribute.String("region", region))
}

// lookups returns the LookupEvents requests the emulator answered.
func lookups(srv *awsemu.Server) []awsemu.RequestRecord {
	return awsemu.Filter(srv.Requests(), func(r awsemu.RequestRecord) bool { return r.Operation == "LookupEvents" })
}

// testHost offers extensions and records the component's status events.
type testHost struct {
	mu       sync.Mutex
	exts     map[component.ID]component.Component
	statuses []componentstatus.Status
	errs     []error
}

var _ componentstatus.Reporter = (*testHost)(nil)

func newTestHost() *testHost { return &testHost{exts: map[component.ID]component.Component{}} }

func (h *testHost) GetExtensions() map[component.ID]component.Component {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[component.ID]component.Component, len(h.exts))
	for k, v := range h.exts {
		out[k] = v
	}
	return out
}

func (h *testHost) setExtension(id component.ID, ext component.Component) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.exts[id] = ext
}

func (h *testHost) Report(ev *componentstatus.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.statuses = append(h.statuses, ev.Status())
	h.errs = append(h.errs, ev.Err())
}

// lastErr is the error of the last status reported.
func (h *testHost) lastErr() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.errs) == 0 {
		return nil
	}
	return h.errs[len(h.errs)-1]
}

func (h *testHost) lastStatus() componentstatus.Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.statuses) == 0 {
		return componentstatus.StatusNone
	}
	return h.statuses[len(h.statuses)-1]
}

func (h *testHost) count(s componentstatus.Status) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, got := range h.statuses {
		if got == s {
			n++
		}
	}
	return n
}

// storageClient opens the receiver's storage client of the extension id.
func (h *harness) storageClient(id component.ID) storage.Client {
	h.t.Helper()
	ext := h.host.GetExtensions()[id].(storage.Extension)
	client, err := ext.GetClient(context.Background(), component.KindReceiver, component.NewID(metadata.Type), "")
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = client.Close(context.Background()) })
	return client
}

// limiterKey is the key of the limiter the receiver with cfg uses in region.
func (h *harness) limiterKey(region string) string {
	return cloudtrail.LimiterKey(h.sts.account, region)
}

// waitLimiter waits until some receiver claims the limiter of key.
func (h *harness) waitLimiter(key string) {
	h.t.Helper()
	require.Eventually(h.t, func() bool {
		_, ok := cloudtrail.SharedLimiters.Rate(key)
		return ok
	}, 30*time.Second, 5*time.Millisecond)
}

// waitRate waits until the limiter of key runs at rps.
func (h *harness) waitRate(key string, rps float64) {
	h.t.Helper()
	require.Eventually(h.t, func() bool {
		got, ok := cloudtrail.SharedLimiters.Rate(key)
		return ok && got == rps
	}, 30*time.Second, 5*time.Millisecond)
}

func nopLogger() *zap.Logger { return zap.NewNop() }

// streamStates returns the streams gauge: streams by state.
func (h *harness) streamStates() map[string]int64 {
	m, err := h.tel.GetMetric("otelcol_receiver_awscloudtrail_streams")
	if err != nil {
		return nil
	}
	out := map[string]int64{}
	for _, p := range m.Data.(metricdata.Gauge[int64]).DataPoints {
		state, _ := p.Attributes.Value("state")
		out[state.AsString()] = p.Value
	}
	return out
}
