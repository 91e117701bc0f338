// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// requireServer returns the path in env, or skips the test when it is unset; under CI
// (CI=true) a missing server fails the test instead: `make` sets the variables after
// .ci/install-servers.sh installed the servers.
func requireServer(t *testing.T, env string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: run .ci/install-servers.sh (make sets it)", env)
		}
		t.Skipf("%s is not set (make sets it after .ci/install-servers.sh)", env)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s=%s: %v", env, p, err)
	}
	return p
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// startProcess runs a server until the test ends and waits until addr accepts connections.
func startProcess(t testing.TB, addr string, cmd *exec.Cmd) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(cmd.Path), out.String())
		}
	})
	require.Eventually(t, func() bool {
		select {
		case <-done:
			t.Fatalf("%s exited: %s", cmd.Path, out.String())
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	}, 20*time.Second, 20*time.Millisecond, "server listening on %s", addr)
}

const (
	testAccessKey = "AKIDTEST"
	testSecretKey = "secret"
)

// startVersityGW runs versitygw (posix backend, sidecar metadata) and returns its URL.
func startVersityGW(t *testing.T) string {
	bin := requireServer(t, "VERSITYGW_BIN")
	dir := t.TempDir()
	root, side := filepath.Join(dir, "root"), filepath.Join(dir, "sidecar")
	require.NoError(t, os.MkdirAll(root, 0o700))
	require.NoError(t, os.MkdirAll(side, 0o700))
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--port", addr, "posix", "--sidecar", side, root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+testAccessKey, "ROOT_SECRET_KEY="+testSecretKey)
	startProcess(t, addr, cmd)
	return "http://" + addr
}

func s3Client(endpoint string) *s3.Client {
	return s3.NewFromConfig(testAWSConfig(), func(o *s3.Options) {
		o.BaseEndpoint, o.UsePathStyle = aws.String(endpoint), true
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

func putObjects(t *testing.T, c *s3.Client, bucket string, objects map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	if err != nil && !strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") {
		require.NoError(t, err)
	}
	for k, v := range objects {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader(v)})
		require.NoError(t, err, k)
	}
}

func keyWithSpaces(name string) string {
	return fmt.Sprintf("team logs/a+b/%s", trailKey("123456789012", "us-east-1", name))
}
