// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServesAppendsAndStops(t *testing.T) {
	out := filepath.Join(t.TempDir(), "logs.json")
	require.NoError(t, os.WriteFile(out, []byte("earlier\n"), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-out", out}, &stdout, &stderr) }()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "listening on ") }, 10*time.Second, 5*time.Millisecond)
	url := strings.TrimSpace(strings.SplitN(stdout.String(), "listening on ", 2)[1])

	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("hello")
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	require.NoError(t, err)
	resp, err := http.Post(url+"/v1/logs", "application/x-protobuf", bytes.NewReader(body))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	cancel()
	assert.Equal(t, 0, <-done, stderr.String())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, "earlier", lines[0], "appended, not truncated")
	assert.Contains(t, lines[1], `"hello"`)
}

func TestBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), []string{"-nope"}, &stdout, &stderr))
	assert.Equal(t, 1, run(context.Background(), []string{"-out", filepath.Join(t.TempDir(), "no", "such", "dir")}, &stdout, &stderr))
}
