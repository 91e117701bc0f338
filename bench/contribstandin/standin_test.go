// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package contribstandin

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// corpus is every record of the shared corpus of published CloudTrail records (the
// mixed corpus: 1,050 records, 159 event sources), or skips without it.
func corpus(tb testing.TB) [][]byte {
	dir := os.Getenv("CLOUDTRAIL_RECORDS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "testdata", "cloudtrail-records")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	if len(files) == 0 {
		tb.Skipf("no CloudTrail record corpus at %s (set CLOUDTRAIL_RECORDS_DIR)", dir)
	}
	var recs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(tb, err)
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				recs = append(recs, bytes.Clone(line))
			}
		}
		require.NoError(tb, sc.Err())
	}
	return recs
}

// numbersAsFloat turns every int64 of an AsRaw value into a float64: the general decoder
// reads every JSON number as a float64, the translator an integral one as an int.
func numbersAsFloat(v any) any {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case map[string]any:
		for k, e := range v {
			v[k] = numbersAsFloat(e)
		}
	case []any:
		for i, e := range v {
			v[i] = numbersAsFloat(e)
		}
	}
	return v
}

func onlyRecord(t *testing.T, logs plog.Logs) plog.LogRecord {
	t.Helper()
	require.Equal(t, 1, logs.LogRecordCount())
	return logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
}

// The stand-in does the translator's job: on every record of the corpus it decodes, and
// every attribute it sets the translator sets to the same value (numbers compared as
// float64), so the benchmark compares like with like. The translator sets more (the
// Lookout for Metrics names, and a body in its default mode).
func TestStandInMatchesTranslator(t *testing.T) {
	recs := corpus(t)
	require.Len(t, recs, 1050)
	observed := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ours, theirs := translate.NewBatch(translate.Options{Body: translate.BodyNone}), NewBatch()
	compared := 0
	for i, rec := range recs {
		require.NoError(t, ours.Add(rec, time.Time{}, observed), "record %d", i)
		require.NoError(t, theirs.Add(rec, observed), "record %d", i)
		ourLogs, theirLogs := ours.Logs(), theirs.Logs()
		want := numbersAsFloat(onlyRecord(t, ourLogs).Attributes().AsRaw()).(map[string]any)
		got := numbersAsFloat(onlyRecord(t, theirLogs).Attributes().AsRaw()).(map[string]any)
		for k, v := range got {
			if assert.Contains(t, want, k, "record %d", i) {
				assert.Equal(t, want[k], v, "record %d: %s", i, k)
				compared++
			}
		}
		assert.Equal(t, ourLogs.ResourceLogs().At(0).Resource().Attributes().AsRaw(),
			theirLogs.ResourceLogs().At(0).Resource().Attributes().AsRaw(), "record %d", i)
	}
	t.Logf("%d attributes of %d records equal", compared, len(recs))
}

func TestStandInRefusesInvalidJSON(t *testing.T) {
	b := NewBatch()
	require.Error(t, b.Add([]byte(`{"eventID":`), time.Now()))
	assert.Equal(t, 0, b.Len())
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCorpus translates all 1,050 records of the mixed corpus, then hands the batch
// over, with the receiver's translator (body raw, its default, and body none, which like
// the stand-in sets no body) and with the stand-in. events/cpu-s divides the events by
// the process's CPU time over the loop (garbage collection included): events per second
// per core. Run with -cpu 1, the process has one core: all the garbage collector's work is
// done on it, counted against the events. With more (the default is every core), the
// collector's idle-priority mark workers also run on the cores the one benchmark goroutine
// leaves idle, and their CPU time counts too, though a receiver that keeps its cores busy
// has no idle core for them. Compare the implementations with
//
//	GOWORK=off go test -run '^$' -bench . -count 6 -cpu 1,2 | tee standin.txt
//	benchstat -col /impl standin.txt
func BenchmarkCorpus(b *testing.B) {
	recs := corpus(b)
	size := 0
	for _, r := range recs {
		size += len(r)
	}
	observed := time.Now()
	impls := []struct {
		name string
		add  func() (add func([]byte) error, logs func() plog.Logs)
	}{
		{"translate-raw", func() (func([]byte) error, func() plog.Logs) {
			t := translate.NewBatch(translate.Options{Body: translate.BodyRaw})
			return func(r []byte) error { return t.Add(r, time.Time{}, observed) }, t.Logs
		}},
		{"translate-none", func() (func([]byte) error, func() plog.Logs) {
			t := translate.NewBatch(translate.Options{Body: translate.BodyNone})
			return func(r []byte) error { return t.Add(r, time.Time{}, observed) }, t.Logs
		}},
		{"standin", func() (func([]byte) error, func() plog.Logs) {
			s := NewBatch()
			return func(r []byte) error { return s.Add(r, observed) }, s.Logs
		}},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			add, logs := impl.add()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				for _, rec := range recs {
					if err := add(rec); err != nil {
						b.Fatal(err)
					}
				}
				if n := logs().LogRecordCount(); n != len(recs) {
					b.Fatalf("%d log records of %d", n, len(recs))
				}
			}
			cpu = cpuTime() - cpu
			events := float64(b.N * len(recs))
			b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(events/cpu.Seconds(), "events/cpu-s")
		})
	}
}
