// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 12, proof 2: one trail file, big uncompressed, through the real collector, the
// real S3 server and the real queue: every record is exported exactly once (the heartbeat
// keeps the message while the file outlasts several visibility timeouts, so no other
// worker takes it) and the collector's peak RSS (VmHWM) stays at most 100 MB. make test
// runs 64 MB; TestPerfSQSBigFileBoundedMemory 1 GB. E2E_SQS_BIG_FILE_MB sets any other.
func TestSQSBigFileBoundedMemory(t *testing.T) {
	runBigFile(t, envInt(t, "E2E_SQS_BIG_FILE_MB", 64))
}

// The 1 GB run of proof 2 (make bench, E2E_PERF=1).
func TestPerfSQSBigFileBoundedMemory(t *testing.T) {
	if !perf {
		t.Skip("the 1 GB run is for `make bench` (E2E_PERF=1)")
	}
	runBigFile(t, envInt(t, "E2E_SQS_BIG_FILE_MB", 1024))
}

func runBigFile(t *testing.T, mb int) {
	bin := otelcolBin(t)
	st := newSQSStack(t, "big-file")
	const n = 7
	path := filepath.Join(t.TempDir(), "big.json.gz")
	began := time.Now()
	records, raw := writeBigTrail(t, path, n, int64(mb)<<20)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	fi, err := f.Stat()
	require.NoError(t, err)
	key := trailObjectKey(n)
	require.NoError(t, st.put(key, f))
	t.Logf("trail file: %d MB uncompressed (%d MB gzip), %d records, built and uploaded in %s",
		raw>>20, fi.Size()>>20, records, time.Since(began).Round(time.Second))

	visibility := 2 * time.Second
	c := startSQSCollector(t, bin, "otelcol", st, sqsCollectorOptions{workers: 4, visibility: visibility, eventSources: `["*"]`})
	began = time.Now()
	st.notify(t, []string{key}, []int64{fi.Size()})
	require.Eventually(t, func() bool { return c.sink.total() >= records && st.queueEmpty() },
		20*time.Minute, 200*time.Millisecond, "the file was not exported and its message deleted")
	elapsed := time.Since(began)
	hwm := procStatus(t, c.cmd.Process.Pid, "VmHWM")
	got := map[string]int{}
	c.sink.addTo(got)
	t.Logf("exported %d records (%d distinct) in %s (%.0f MB/s uncompressed, %.0f visibility timeouts); collector peak RSS (VmHWM) %d MB",
		c.sink.total(), len(got), elapsed.Round(time.Second), float64(raw>>20)/elapsed.Seconds(), elapsed.Seconds()/visibility.Seconds(), hwm>>20)
	if perf {
		addPerf(perfRow{run: fmt.Sprintf("sqs: one %d MB trail file, real collector", raw>>20),
			figure: fmt.Sprintf("peak RSS %d MB", hwm>>20), target: "<= 100 MB", ok: hwm <= 100<<20,
			notes: fmt.Sprintf("%d records in %s", records, elapsed.Round(time.Second))})
	}
	assert.Equal(t, records, c.sink.total(), "every record exported once")
	assert.Len(t, got, records)
	assert.Equal(t, 1.0, c.counterMetric(t, "otelcol_receiver_awscloudtrail_sqs_messages", `outcome="deleted"`))
	assert.Zero(t, c.counterMetric(t, "otelcol_receiver_awscloudtrail_sqs_messages", `outcome="retry"`))
	assert.LessOrEqual(t, hwm, int64(100)<<20, "peak RSS")
}

// writeBigTrail writes trail file n of at least size bytes uncompressed, gzip-compressed,
// to path, and returns its records and uncompressed size.
func writeBigTrail(t *testing.T, path string, n int, size int64) (int, int64) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw, err := gzip.NewWriterLevel(bw, gzip.BestSpeed)
	require.NoError(t, err)
	cw := &countingWriter{w: zw}
	sources := []string{"s3.amazonaws.com", "lookoutmetrics.amazonaws.com", "ec2.amazonaws.com", "kms.amazonaws.com"}
	records, err := writeTrail(cw, n, 1, size, strings.Repeat("logs/2026/12/01/part-", 30),
		func(i int) string { return sources[i%len(sources)] })
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, bw.Flush())
	return records, cw.n
}
