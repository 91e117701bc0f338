// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// TestMain runs main instead of the tests when the test binary is started as the
// awsemu command by TestCommand*.
func TestMain(m *testing.M) {
	if os.Getenv("AWSEMU_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

var listening = regexp.MustCompile(`^awsemu listening on (http://127\.0\.0\.1:\d+)$`)

// syncBuffer is a bytes.Buffer safe for the writer goroutine of exec.Cmd and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startCommand starts the command in a child process and returns it and its URL.
func startCommand(t *testing.T, args ...string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "AWSEMU_RUN_MAIN=1")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, stderr.String())
	m := listening.FindStringSubmatch(strings.TrimSpace(line))
	require.NotNil(t, m, line)
	return cmd, m[1], stderr
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

func TestCommandSeedsServesAndStopsOnSIGINT(t *testing.T) {
	cmd, url, stderr := startCommand(t, "-seed-events", "3000", "-seed-span", "2h", "-rps", "-1",
		"-delivery-delay-min", "0", "-delivery-delay-max", "0", "-workload-rate", "200", "-log-level", "debug")
	var st awsemu.AdminStats
	getJSON(t, url+awsemu.AdminPrefix+"stats", &st)
	assert.GreaterOrEqual(t, st.Events, 3000)

	ct := cloudtrail.New(cloudtrail.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDCMD", "x", ""), HTTPClient: awsemu.NewHTTPClient()})
	out, err := ct.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.Len(t, out.Events, 50)
	assert.Equal(t, awsemu.LookoutMetricsEventSource, aws.ToString(out.Events[0].EventSource))

	req, err := http.NewRequest(http.MethodPut, url+awsemu.AdminPrefix+"faults", strings.NewReader(`{"latency":"5ms"}`))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	require.Eventually(t, func() bool {
		getJSON(t, url+awsemu.AdminPrefix+"stats", &st)
		return st.Requests.Requests > 20
	}, 10*time.Second, 20*time.Millisecond, "the live workload calls the emulator")

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait(), stderr.String())
	assert.Equal(t, 0, cmd.ProcessState.ExitCode())
	assert.Contains(t, stderr.String(), "workload call")
	assert.Contains(t, stderr.String(), "workload done")
}

func TestCommandStopsOnSIGTERM(t *testing.T) {
	cmd, url, stderr := startCommand(t)
	resp, err := http.Get(url + awsemu.AdminPrefix + "stats")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), stderr.String())
	assert.Contains(t, stderr.String(), "shutting down")
}

func TestRunInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	code := make(chan int)
	go func() {
		code <- run(ctx, []string{"-addr", "127.0.0.1:0", "-error-rate", "0.5", "-late-rate", "0.1",
			"-malformed-rate", "0.2", "-latency", "1ms"}, pw, io.Discard)
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	require.Regexp(t, listening, strings.TrimSpace(line))
	cancel()
	assert.Equal(t, 0, <-code)
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"-log-level", "loud"}, {"-delivery-delay-min", "5m",
		"-delivery-delay-max", "1m"}, {"extra"}, {"-addr", "256.0.0.1:1"}} {
		var stderr bytes.Buffer
		code := run(context.Background(), args, io.Discard, &stderr)
		assert.NotZero(t, code, args)
		assert.NotEmpty(t, stderr.String(), args)
	}
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, io.Discard, io.Discard))
}

func TestFlagDefaults(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:4566", cfg.addr)
	assert.Equal(t, 2*time.Minute, cfg.deliveryMin)
	assert.Equal(t, 8*time.Minute, cfg.deliveryMax)
	assert.InDelta(t, awsemu.DefaultRequestsPerSecond, cfg.rps, 0)
	assert.Equal(t, awsemu.LookoutMetricsEventSource, cfg.seedSource)
	assert.Equal(t, 24*time.Hour, cfg.seedSpan)
	opts := cfg.options(nil)
	for range 20 {
		d := opts.DeliveryDelay()
		assert.GreaterOrEqual(t, d, 2*time.Minute)
		assert.LessOrEqual(t, d, 8*time.Minute)
	}
}

func TestSeedOptionsPerRegionAndSource(t *testing.T) {
	cfg, err := parseFlags([]string{"-seed-events", "10", "-seed-regions", "us-east-1,eu-west-1",
		"-seed-source", "a.amazonaws.com,b.amazonaws.com"}, io.Discard)
	require.NoError(t, err)
	opts := cfg.seedOptions()
	require.Len(t, opts, 4)
	seeds := map[uint64]bool{}
	for _, o := range opts {
		assert.Equal(t, 10, o.Events)
		seeds[o.Seed] = true
	}
	assert.Len(t, seeds, 4, "each stream gets its own IDs")
	assert.Equal(t, "eu-west-1", opts[3].Region)
	assert.Equal(t, "b.amazonaws.com", opts[3].EventSource)
}

func TestLazyRecordsFlag(t *testing.T) {
	for _, lazy := range []bool{false, true} {
		args := []string{"-seed-events", "10", "-live-rate", "1"}
		if lazy {
			args = append(args, "-lazy-records")
		}
		cfg, err := parseFlags(args, io.Discard)
		require.NoError(t, err)
		require.Len(t, cfg.seedOptions(), 1)
		assert.Equal(t, lazy, cfg.seedOptions()[0].Lazy)
		assert.Equal(t, lazy, cfg.feedOptions(nil).Lazy)
	}
}
