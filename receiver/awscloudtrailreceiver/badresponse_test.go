// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/extension/xextension/storage"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// memStorage is a storage extension whose data the test reads while the receiver runs.
type memStorage struct {
	mu   sync.Mutex
	data map[string][]byte
}

func (m *memStorage) Start(context.Context, component.Host) error { return nil }
func (m *memStorage) Shutdown(context.Context) error              { return nil }
func (m *memStorage) GetClient(context.Context, component.Kind, component.ID, string) (storage.Client, error) {
	return m, nil
}

func (m *memStorage) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return bytes.Clone(m.data[key]), nil
}

func (m *memStorage) Set(_ context.Context, key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[key] = bytes.Clone(value)
	return nil
}

func (m *memStorage) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, key)
	return nil
}

func (m *memStorage) Batch(ctx context.Context, ops ...*storage.Operation) error {
	for _, op := range ops {
		switch op.Type {
		case storage.Get:
			op.Value, _ = m.Get(ctx, op.Key)
		case storage.Set:
			_ = m.Set(ctx, op.Key, op.Value)
		case storage.Delete:
			_ = m.Delete(ctx, op.Key)
		}
	}
	return nil
}

func (m *memStorage) Close(context.Context) error { return nil }

// checkpoint returns the checkpoint of the us-east-1 stream of the default source, of
// whichever account the credentials belong to.
func (m *memStorage) checkpoint() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, b := range m.data {
		if strings.HasPrefix(k, "awscloudtrail/v2/") && strings.HasSuffix(k, "/us-east-1/"+defaultEventSource) {
			return bytes.Clone(b)
		}
	}
	return nil
}

// badAnswer makes the next poll get a 2xx that is not a LookupEvents page.
type badAnswer struct {
	name  string
	apply func()
}

func badAnswers(h *harness, fd *frontDoor) []badAnswer {
	return []badAnswer{
		{"truncated JSON", func() { h.srv.SetFaults(awsemu.Faults{TruncateResponses: true}) }},
		{"captive portal", func() {
			h.srv.SetFaults(awsemu.Faults{})
			fd.answer(200, "text/html; charset=utf-8", "<html><body>Sign in to Wi-Fi</body></html>")
		}},
		{"empty body", func() { fd.answer(200, "application/x-amz-json-1.1", "") }},
		{"null", func() { fd.answer(200, "application/x-amz-json-1.1", "null") }},
		{"error-shaped 200", func() { fd.answer(200, "application/x-amz-json-1.1", `{"__type":"ThrottlingException"}`) }},
	}
}

// A 2xx that is not a LookupEvents page (cut short, a captive portal's HTML, empty, null,
// error-shaped) fails the poll: nothing is emitted, the checkpoint does not move, the
// poll is retried with backoff (not after poll_interval), and the next good poll emits
// the new events once.
func TestBadResponsesAdvanceNothing(t *testing.T) {
	h, fd := newFrontHarness(t, awsemu.Options{RequestsPerSecond: -1})
	h.addEvents(defaultEventSource, 10)
	store := &memStorage{data: map[string][]byte{}}
	id := component.MustNewID("memory_storage")
	h.host.setExtension(id, store)
	cfg := h.config()
	cfg.Storage, cfg.PollInterval, cfg.RequestsPerSecond = &id, time.Hour, 50
	logs, next, w := &logBuffer{}, &gate{}, newWaits()
	r := h.startLogged(cfg, next, w, logs.logger())
	w.first(t)
	require.Equal(t, 10, next.sink.LogRecordCount())
	saved, head := store.checkpoint(), r.streams[0].Head()
	require.NotNil(t, saved)
	late := make([]awsemu.Event, 5) // inside the overlap window: read by the next good poll
	for i := range late {
		late[i] = awsemu.NewRecord(awsemu.RecordSpec{EventSource: defaultEventSource,
			EventTime: time.Now().Add(-time.Duration(i+1) * time.Minute)})
	}
	h.srv.Store().Add(late...)

	for i, b := range badAnswers(h, fd) {
		b.apply()
		w.poll(t)
		assert.Equal(t, i+1, strings.Count(logs.String(), cloudtrail.ErrMalformedResponse.Error()), b.name)
		assert.Equal(t, 10, next.sink.LogRecordCount(), b.name)
		assert.Equal(t, saved, store.checkpoint(), "%s moved the checkpoint", b.name)
		assert.Equal(t, head, r.streams[0].Head(), b.name)
		assert.Less(t, w.last(), time.Minute, "%s is retried with backoff", b.name)
		assert.Equal(t, componentstatus.StatusRecoverableError, h.host.lastStatus(), b.name)
	}
	assert.Contains(t, logs.String(), `"kind":"server_error"`)

	fd.answer(0, "", "")
	w.poll(t)
	require.NoError(t, r.Shutdown(context.Background()))
	assert.Equal(t, componentstatus.StatusOK, h.host.lastStatus())
	assert.NotEqual(t, saved, store.checkpoint())
	assert.Subset(t, eventIDs(&next.sink), idsOf(late))
	assert.Len(t, eventIDs(&next.sink), 15, "each event once")
}
