// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// placement is one processor of a collector's service: a component ID with its config
// in a pipeline of one signal.
type placement struct {
	name   string // the component ID's name: "" for awsrequestid
	cfg    *Config
	traces bool
}

// startPipelines creates every processor first and then starts them, as the collector
// does, and returns the warnings they logged.
func startPipelines(t *testing.T, ps ...placement) []observer.LoggedEntry {
	h := newHarness(t)
	core, logs := observer.New(zapcore.WarnLevel)
	ctx := context.Background()
	var cs []component.Component
	for _, p := range ps {
		set := h.settings()
		set.ID = component.NewIDWithName(typ, p.name)
		set.Logger = zap.New(core)
		var (
			c   component.Component
			err error
		)
		if p.traces {
			c, err = h.factory.CreateTraces(ctx, set, p.cfg, consumertest.NewNop())
		} else {
			c, err = h.factory.CreateLogs(ctx, set, p.cfg, consumertest.NewNop())
		}
		require.NoError(t, err)
		cs = append(cs, c)
	}
	for _, c := range cs {
		require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
	}
	for _, c := range cs {
		require.NoError(t, c.Shutdown(ctx))
	}
	return logs.All()
}

func TestNoWarningWhenOneIDIsInBothPipelines(t *testing.T) {
	cfg := testConfig()
	warnings := startPipelines(t, placement{cfg: cfg, traces: true}, placement{cfg: cfg},
		placement{cfg: cfg}) // a second logs pipeline
	assert.Empty(t, warnings)
}

func TestWarnsWhenOnlyInALogsPipeline(t *testing.T) {
	cfg := testConfig()
	warnings := startPipelines(t, placement{cfg: cfg}, placement{cfg: cfg})
	require.Len(t, warnings, 1, "once per component ID")
	assert.Contains(t, warnings[0].Message, "no traces pipeline")
	assert.Equal(t, "awsrequestid", warnings[0].ContextMap()["component_id"])
}

func TestWarnsWhenOnlyInATracesPipeline(t *testing.T) {
	warnings := startPipelines(t, placement{cfg: testConfig(), traces: true})
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0].Message, "no logs pipeline")
}

func TestWarnsWhenThePipelinesUseDifferentIDs(t *testing.T) {
	spans, records := testConfig(), testConfig()
	warnings := startPipelines(t, placement{name: "spans", cfg: spans, traces: true},
		placement{name: "records", cfg: records})
	require.Len(t, warnings, 2)
	byID := map[string]map[string]any{}
	for _, w := range warnings {
		byID[w.ContextMap()["component_id"].(string)] = w.ContextMap()
	}
	assert.Equal(t, []any{"awsrequestid/records"}, byID["awsrequestid/spans"]["ids_in_logs_pipelines_only"])
	assert.Equal(t, []any{"awsrequestid/spans"}, byID["awsrequestid/records"]["ids_in_traces_pipelines_only"])
}
