// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

func unmarshalEnumConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	return unmarshalTestConfig(t, "config_enums.yaml", name)
}

// An unknown word fails at unmarshalling, naming the key and the words it takes.
func TestUnmarshalRejectsUnknownWords(t *testing.T) {
	tests := map[string][]string{
		"read_only":       {`'read_only' must be all, read or write, got "readonly"`},
		"read_only_empty": {`'read_only' must be all, read or write, got ""`},
		"read_only_case":  {`'read_only' must be all, read or write, got "WRITE"`},
		"body":            {`'body' must be raw, map or none, got "json"`},
		"body_number":     {`'body' expected type`, "BodyFormat"}, // not a string: confmap names the key and the type
		"redact_action":   {`'redact' decoding failed`, `'action' must be hash or drop, got "mask"`},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := unmarshalEnumConfig(t, name)
			require.Error(t, err)
			for _, s := range want {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestRedactSectionDefaultsToHash(t *testing.T) {
	cfg, err := unmarshalEnumConfig(t, "redact_default_action")
	require.NoError(t, err)
	cfg.Regions = []string{"us-east-1"}
	require.NoError(t, confmap.Validate(cfg))
	rc := cfg.Redact.Get()
	require.NotNil(t, rc, "the section turns redaction on")
	assert.Equal(t, RedactConfig{Fields: []string{"sourceIPAddress"}, Action: RedactHash}, *rc)
}

// Each word maps to the value the internal packages take.
func TestEnumWordsMap(t *testing.T) {
	for word, want := range map[ReadOnlyMode]poll.ReadOnlyFilter{
		ReadOnlyAll: poll.ReadOnlyAll, ReadOnlyRead: poll.ReadOnlyRead, ReadOnlyWrite: poll.ReadOnlyWrite,
	} {
		var m ReadOnlyMode
		require.NoError(t, m.UnmarshalText([]byte(word)))
		assert.Equal(t, want, m.filter(), word)
	}
	for word, want := range map[BodyFormat]translate.BodyMode{
		BodyRaw: translate.BodyRaw, BodyMap: translate.BodyMap, BodyNone: translate.BodyNone,
	} {
		var f BodyFormat
		require.NoError(t, f.UnmarshalText([]byte(word)))
		assert.Equal(t, want, f.mode(), word)
		assert.Equal(t, string(word), want.String(), "the translator's name of the mode")
	}
	for word, want := range map[RedactAction]redact.Action{RedactHash: redact.Hash, RedactDrop: redact.Drop} {
		var a RedactAction
		require.NoError(t, a.UnmarshalText([]byte(word)))
		assert.Equal(t, want, a.action(), word)
	}
	var a RedactAction
	require.Error(t, a.UnmarshalText([]byte("mask")))
	assert.Empty(t, a, "a rejected word leaves the value alone")
}

func TestRedactSectionWithoutFieldsFailsValidation(t *testing.T) {
	cfg, err := unmarshalEnumConfig(t, "redact_empty")
	require.NoError(t, err)
	require.True(t, cfg.Redact.HasValue(), "an empty section is present")
	cfg.Regions = []string{"us-east-1"}
	err = confmap.Validate(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "redact.fields: must list at least one field path")
}

// A config written back out (as the collector does to print it) reads in again with the
// same words.
func TestEnumWordsRoundTrip(t *testing.T) {
	for _, name := range []string{"", "full"} {
		cfg := loadConfig(t, name)
		conf := confmap.New()
		require.NoError(t, conf.Marshal(cfg))
		again := createDefaultConfig().(*Config)
		again.ReadOnly, again.Body = "", ""
		require.NoError(t, conf.Unmarshal(again))
		assert.Equal(t, cfg.ReadOnly, again.ReadOnly, name)
		assert.Equal(t, cfg.Body, again.Body, name)
		if rc := cfg.Redact.Get(); rc != nil {
			assert.Equal(t, rc.Action, again.Redact.Get().Action, name)
		}
	}
}
