// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// binaries returns the collector and emulator binaries, or skips the test.
func binaries(t *testing.T) (otelcol, awsemu string) {
	t.Helper()
	otelcol, awsemu = os.Getenv("OTELCOL_BIN"), os.Getenv("AWSEMU_BIN")
	if otelcol == "" || awsemu == "" {
		t.Skip("end-to-end tests need OTELCOL_BIN and AWSEMU_BIN; `make test` builds both and sets them")
	}
	return otelcol, awsemu
}

// process is a child process whose output is kept for the test log.
type process struct {
	name    string
	cmd     *exec.Cmd
	out     *syncBuffer
	done    chan struct{}
	waitErr error
	killed  bool // ended on purpose with SIGKILL
}

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

// childEnv is the environment of every child: fake credentials, no instance metadata,
// plus extra.
func childEnv(extra ...string) []string {
	env := []string{
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_REGION=us-east-1",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "E2E_") {
			env = append(env, kv)
		}
	}
	// The receiver learns its account with sts:GetCallerIdentity: the emulator answers it,
	// reached through the SDK's standard per-service endpoint variable.
	for _, kv := range extra {
		if url, ok := strings.CutPrefix(kv, "E2E_EMULATOR_URL="); ok {
			env = append(env, "AWS_ENDPOINT_URL_STS="+url)
		}
	}
	return append(env, extra...)
}

// start runs bin with args until the test ends (SIGTERM, then SIGKILL after 10s).
func start(t *testing.T, name string, env []string, bin string, args ...string) *process {
	t.Helper()
	p := &process{name: name, cmd: exec.Command(bin, args...), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	require.NoError(t, p.cmd.Start())
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if err := p.stop(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, tail(p.out.String(), 8000))
		}
	})
	return p
}

// stop sends SIGTERM and waits for the process to exit; it returns an error unless the
// process exited cleanly.
func (p *process) stop() error {
	select {
	case <-p.done:
		if p.killed {
			return nil
		}
		return p.waitErr
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.waitErr
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("did not stop within 15s of SIGTERM")
	}
}

// waitForLine waits until the process printed a line containing substr and returns it.
func (p *process) waitForLine(t *testing.T, substr string, timeout time.Duration) string {
	t.Helper()
	var line string
	require.Eventually(t, func() bool {
		sc := bufio.NewScanner(strings.NewReader(p.out.String()))
		for sc.Scan() {
			if strings.Contains(sc.Text(), substr) {
				line = sc.Text()
				return true
			}
		}
		return false
	}, timeout, 20*time.Millisecond, "%s never printed %q", p.name, substr)
	return line
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
