// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// YAML reads .nan as a float: a NaN requests_per_second fails every comparison, and a
// limiter built from it would not pace at all.
func TestValidateRejectsNaNRate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte("awscloudtrail:\n  regions: [us-east-1]\n  requests_per_second: .nan\n"), 0o600))
	cm, err := confmaptest.LoadConf(path)
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewID(metadata.Type).String())
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NotEqual(t, cfg.RequestsPerSecond, cfg.RequestsPerSecond, "the YAML gave NaN")
	err = confmap.Validate(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "requests_per_second")
}
