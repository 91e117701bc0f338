// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestOTelModeExportsClientSpansWithTheirRequestIDs(t *testing.T) {
	emu, url := startEmulator(t)
	otlp := startOTLP(t)
	recs := runClient(t, "-endpoint", url, "-mode", "otel", "-otlp-endpoint", otlp.URL, "-calls", "9")
	require.Len(t, recs, 9)
	spans := otlp.spans()
	require.Len(t, spans, 18, "a root span and a client span per call")
	var failed int
	for _, rec := range recs {
		require.NotEmpty(t, rec.RequestID, "%+v", rec)
		sp, ok := spans[rec.SpanID]
		require.True(t, ok, "the client span of %+v was exported", rec)
		assert.Equal(t, rec.TraceID, sp.TraceID().String())
		assert.Equal(t, ptrace.SpanKindClient, sp.Kind())
		assert.Equal(t, "LookoutMetrics."+rec.Operation, sp.Name())
		rid, _ := sp.Attributes().Get("aws.request_id")
		assert.Equal(t, rec.RequestID, rid.Str(), "otelaws records the x-amzn-RequestId on the span")
		parent, ok := spans[sp.ParentSpanID().String()]
		require.True(t, ok)
		assert.Equal(t, "call "+rec.Operation, parent.Name())
		if rec.Error != "" {
			failed++
		}
	}
	assert.Equal(t, 1, failed, "the describe of a missing detector fails, and is traced too")
	assert.ElementsMatch(t, lmRequestIDs(emu), requestIDsOf(recs), "every request ID is the one the emulator sent")
}

func TestNoneModeTracesNothing(t *testing.T) {
	emu, url := startEmulator(t)
	otlp := startOTLP(t)
	recs := runClient(t, "-endpoint", url, "-mode", "none", "-otlp-endpoint", otlp.URL, "-calls", "7")
	require.Len(t, recs, 7)
	for _, rec := range recs {
		assert.NotEmpty(t, rec.RequestID)
		assert.Empty(t, rec.TraceID)
		assert.Empty(t, rec.SpanID)
	}
	assert.Empty(t, otlp.spans())
	assert.ElementsMatch(t, lmRequestIDs(emu), requestIDsOf(recs))
}

func requestIDsOf(recs []callRecord) []string {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.RequestID
	}
	return ids
}
