// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlagDefaults(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, &config{endpoint: "http://127.0.0.1:4566", region: "us-east-1", accessKey: "AKIAALICE00000000001",
		mode: "otel", otlpEndpoint: "http://127.0.0.1:4318/v1/traces", xrayDaemon: "127.0.0.1:2000",
		service: "tracedclient", calls: 14}, cfg)
}

func TestOTLPEndpointGetsTheTracesPath(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:4318":            "http://127.0.0.1:4318/v1/traces",
		"http://127.0.0.1:4318/":           "http://127.0.0.1:4318/v1/traces",
		"https://gw.example:443/otlp/v1/t": "https://gw.example:443/otlp/v1/t",
	} {
		cfg, err := parseFlags([]string{"-otlp-endpoint", in}, io.Discard)
		require.NoError(t, err, in)
		assert.Equal(t, want, cfg.otlpEndpoint, in)
	}
}

func TestFlagErrorsNameTheFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-mode", "jaeger"}, `-mode: must be otel, xray or none, got "jaeger"`},
		{[]string{"-calls", "0"}, "-calls: must be at least 1"},
		{[]string{"-rate", "-1"}, "-rate: must be >= 0"},
		{[]string{"-endpoint", "127.0.0.1:4566"}, "-endpoint:"},
		{[]string{"-otlp-endpoint", "grpc://x:4317"}, "-otlp-endpoint:"},
		{[]string{"-mode", "xray", "-xray-daemon", "2000"}, "-xray-daemon:"},
		{[]string{"-service-name", ""}, "-service-name must not be empty"},
		{[]string{"extra"}, "takes no arguments"},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args, io.Discard)
		require.Error(t, err, tt.args)
		assert.Contains(t, err.Error(), tt.want)
	}
}

func TestRunExitCodes(t *testing.T) {
	var stderr bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), []string{"-mode", "bad"}, io.Discard, &stderr))
	assert.Contains(t, stderr.String(), "-mode:")
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, io.Discard, io.Discard))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stderr.Reset()
	assert.Equal(t, 1, run(ctx, []string{"-mode", "none", "-endpoint", "http://127.0.0.1:9"}, io.Discard, &stderr),
		"a cancelled run fails before it calls")
	assert.Contains(t, stderr.String(), "context canceled")
}

func TestPacedCallsStopWhenCancelled(t *testing.T) {
	_, url := startEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) { cancel(); return out.Write(p) }) // stop after the first call
	code := run(ctx, []string{"-mode", "none", "-endpoint", url, "-calls", "5", "-rate", "0.001"}, w, io.Discard)
	assert.Equal(t, 1, code)
	assert.Equal(t, 1, bytes.Count(out.Bytes(), []byte("\n")))
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
