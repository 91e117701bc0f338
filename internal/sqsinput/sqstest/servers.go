// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqstest

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The root credentials StartVersityGW gives versitygw; fauxqs takes any.
const (
	AccessKey = "AKIDTEST"
	SecretKey = "secret"
)

// RequireServer returns the path in env, or skips the test when it is unset; under CI
// (CI=true) a missing server fails the test instead: `make` sets the variables
// (VERSITYGW_BIN, FAUXQS_LAUNCHER) after .ci/install-servers.sh installed the servers.
func RequireServer(t testing.TB, env string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: run .ci/install-servers.sh (make sets it)", env)
		}
		t.Skipf("%s is not set (make sets it after .ci/install-servers.sh)", env)
	}
	if _, err := os.Stat(p); err != nil { //nolint:gosec // test support: the path the test environment names
		t.Fatalf("%s=%s: %v", env, p, err)
	}
	return p
}

// FreeAddr returns a loopback address with a port that was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return addr
}

// lockedBuffer collects a process's output while the test may read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// StartProcess runs a server until the test ends (it is killed in Cleanup, or by the
// kernel when the test binary dies first) and waits
// up to 20 s until addr accepts connections; a failed test logs the server's output.
func StartProcess(t testing.TB, addr string, cmd *exec.Cmd) {
	t.Helper()
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(cmd.Path), out.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-done:
			t.Fatalf("%s exited: %s", cmd.Path, out.String())
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is not listening on %s after 20s: %s", cmd.Path, addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// StartVersityGW runs versitygw (posix backend, sidecar metadata, in a temporary
// directory) with the root credentials AccessKey/SecretKey and returns its URL. It
// refuses requests signed for a region other than us-east-1, as S3 does.
func StartVersityGW(t testing.TB) string {
	t.Helper()
	bin := RequireServer(t, "VERSITYGW_BIN")
	dir := t.TempDir()
	root, side := filepath.Join(dir, "root"), filepath.Join(dir, "sidecar")
	for _, d := range []string{root, side} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatalf("mkdir: %v", err)
		}
	}
	addr := FreeAddr(t)
	cmd := exec.Command(bin, "--port", addr, "posix", "--sidecar", side, root) //nolint:gosec // test support: the server the test environment names
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+AccessKey, "ROOT_SECRET_KEY="+SecretKey)
	StartProcess(t, addr, cmd)
	return "http://" + addr
}

// StartFauxqs runs fauxqs (SQS, SNS) through its launcher on 127.0.0.1 and returns its URL.
func StartFauxqs(t testing.TB) string {
	t.Helper()
	bin := RequireServer(t, "FAUXQS_LAUNCHER")
	addr := FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin) //nolint:gosec // test support: the launcher the test environment names
	cmd.Env = append(os.Environ(), "FAUXQS_PORT="+port)
	StartProcess(t, addr, cmd)
	return "http://" + addr
}
