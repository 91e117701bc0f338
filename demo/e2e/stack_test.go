// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/otlpfile"
)

// emulator is a running awsemu binary.
type emulator struct {
	*process
	url string
}

func startEmulator(t *testing.T, bin string, args ...string) *emulator {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	p := start(t, "awsemu", childEnv(), bin, append([]string{"-addr", addr}, args...)...)
	line := p.waitForLine(t, "awsemu listening on ", 30*time.Second)
	_, url, ok := strings.Cut(line, "awsemu listening on ")
	require.True(t, ok)
	return &emulator{process: p, url: strings.TrimSpace(url)}
}

// collector is a running otelcol-cloudtrail with the e2e config.
type collector struct {
	*process
	output      string
	metricsPort int
}

func startCollector(t *testing.T, bin, emulatorURL, storageDir string) *collector {
	t.Helper()
	c := &collector{output: filepath.Join(t.TempDir(), "logs.json"), metricsPort: freePort(t)}
	env := childEnv(
		"E2E_EMULATOR_URL="+emulatorURL,
		"E2E_STORAGE_DIR="+storageDir,
		outputEnv(t, c.output),
		"E2E_METRICS_PORT="+strconv.Itoa(c.metricsPort),
		"E2E_LOG_LEVEL=info",
	)
	c.process = start(t, "otelcol-cloudtrail", env, bin, "--config", "../../testdata/e2e/collector.yaml")
	c.waitForLine(t, "Everything is ready", 60*time.Second)
	return c
}

// outputEnv serves an OTLP/HTTP logs endpoint that appends every request to path as
// one line of OTLP JSON until the test ends, and returns the configs' E2E_OUTPUT_URL.
func outputEnv(t *testing.T, path string) string {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(t, err)
	srv := httptest.NewServer(otlpfile.NewHandler(f, nil))
	t.Cleanup(func() {
		srv.Close()
		_ = f.Close()
	})
	return "E2E_OUTPUT_URL=" + srv.URL
}

// record is one exported log record, flattened for assertions.
type record struct {
	resource pcommon.Map
	lr       plog.LogRecord
}

func (r record) attr(key string) string {
	v, ok := r.lr.Attributes().Get(key)
	if !ok {
		return ""
	}
	return v.AsString()
}

// records reads every log record written to the output so far (one OTLP JSON
// request per line; a line still being written is left for the next read).
func (c *collector) records(t *testing.T) []record {
	t.Helper()
	b, err := os.ReadFile(c.output)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var out []record
	var u plog.JSONUnmarshaler
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		ld, err := u.UnmarshalLogs(sc.Bytes())
		if err != nil {
			continue // a partial last line
		}
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			rl := ld.ResourceLogs().At(i)
			for j := 0; j < rl.ScopeLogs().Len(); j++ {
				lrs := rl.ScopeLogs().At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					out = append(out, record{resource: rl.Resource().Attributes(), lr: lrs.At(k)})
				}
			}
		}
	}
	return out
}

// metric sums the samples of a Prometheus metric from the collector's own telemetry
// whose labels contain every one of labels (`name="value"`).
func (c *collector) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	body, err := httpGet(fmt.Sprintf("http://127.0.0.1:%d/metrics", c.metricsPort))
	require.NoError(t, err)
	sum := 0.0
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		if !hasLabels(line, labels) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		require.NoError(t, err, line)
		sum += v
	}
	return sum
}

func hasLabels(line string, labels []string) bool {
	for _, l := range labels {
		if !strings.Contains(line, l) {
			return false
		}
	}
	return true
}

func httpGet(url string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, http.NoBody)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
