// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// benchRecords are the published records of the shared corpus (mixed services, shapes and
// sizes), else this package's synthetic ones.
func benchRecords(b *testing.B) []string {
	dir := os.Getenv("CLOUDTRAIL_RECORDS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "testdata", "cloudtrail-records")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	var recs []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "{") {
				recs = append(recs, line)
			}
		}
		_ = fh.Close()
	}
	if len(recs) == 0 {
		t := strings.TrimSuffix(strings.TrimPrefix(trailFile("b", 300), `{"Records":[`), `]}`)
		recs = strings.Split(strings.ReplaceAll(t, "},{", "}\n{"), "\n")
	}
	return recs
}

// eventIDValue is the opening of an eventID's value.
var eventIDValue = regexp.MustCompile(`"eventID"\s*:\s*"`)

// benchFile is a trail file of n records cycled from recs, each eventID prefixed with the
// record's place in the file: a file of distinct events, as CloudTrail writes them (the
// corpus repeats some events, and cycling it repeats them all), so that none is dropped
// as a duplicate.
func benchFile(recs []string, n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"Records":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(eventIDValue.ReplaceAllString(recs[i%len(recs)], "${0}"+strconv.Itoa(i)+"-"))
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// BenchmarkTrailFile: one trail file of 10,000 records read, peeked, filtered ("*"),
// translated (body raw) and handed to a nop consumer in batches of 1,000, from memory
// (plain, gzip) and through the real SDK S3 client from a local server (s3-gzip).
// records/s is per benchmark loop, on one goroutine.
func BenchmarkTrailFile(b *testing.B) {
	const n = 10000
	recs := benchRecords(b)
	plain := benchFile(recs, n)
	zipped := gz(b, string(plain))
	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	next := countingConsumer{n: new(int)}
	in := New(set, Deps{Next: next})
	for name, content := range map[string][]byte{"plain": plain, "gzip": zipped} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if err := in.stream(context.Background(), bytes.NewReader(content)); err != nil {
					b.Fatal(err)
				}
				requireDelivered(b, next, n)
			}
			reportRates(b, n, cpuTime()-cpu)
		})
	}
	b.Run("s3-gzip", func(b *testing.B) {
		srv := newS3Server(b)
		key := trailKey("123456789012", "us-east-1", "bench")
		srv.put(bucket, "us-east-1", key, zipped)
		in := New(set, Deps{Next: next, Objects: NewS3Objects(testAWSConfig(), srv.URL, "us-east-1")})
		b.SetBytes(int64(len(plain)))
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			if err := in.readObject(context.Background(), Object{Bucket: bucket, Key: key, Region: "us-east-1"}); err != nil {
				b.Fatal(err)
			}
			requireDelivered(b, next, n)
		}
		reportRates(b, n, cpuTime()-cpu) // the CPU time includes the local S3 server's
	})
}

// requireDelivered fails the benchmark unless exactly n records reached c since the last
// call.
func requireDelivered(b *testing.B, c countingConsumer, n int) {
	if got := *c.n; got != n {
		b.Fatalf("%d records delivered of %d", got, n)
	}
	*c.n = 0
}

// cpuTime is the process's user and system CPU time: on a shared machine, records per
// CPU second is the per-core figure, where records per wall second depends on the load.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportRates(b *testing.B, n int, cpu time.Duration) {
	records := float64(n * b.N)
	b.ReportMetric(records/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(records/cpu.Seconds(), "records/cpu-s")
}
