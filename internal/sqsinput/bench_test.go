// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
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

// BenchmarkTrailFileVersityGW is the end-to-end figure of the trail file path: a gzip trail
// file of 10,000 records (the mixed corpus, cycled, each eventID distinct) read from
// versitygw (a real S3 server, a process of its own on loopback) through the SDK's S3
// client, gunzipped and decoded record by record, peeked, filtered ("*"), checked against
// a real de-duplication index, translated (body raw) and handed to a nop consumer 1,000
// at a time. records/cpu-s is per CPU second of this process, the receiver's side (the
// S3 server's CPU is not in it: versitygw-cpu-ms/op is that, from /proc). It skips
// without versitygw (make servers installs it; make sets VERSITYGW_BIN).
func BenchmarkTrailFileVersityGW(b *testing.B) {
	const n = 10000
	endpoint, serverPID := benchVersityGW(b)
	recs := benchRecords(b)
	plain := benchFile(recs, n)
	key := trailKey("123456789012", "us-east-1", "bench")
	ctx := context.Background()
	c := s3Client(endpoint)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		b.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(gz(b, string(plain)))}); err != nil {
		b.Fatal(err)
	}

	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	// The index's clock moves past its window every loop, so each read of the one file
	// finds its events new, and pays for recording them and for expiring the last loop's.
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	index := dedupe.New(time.Hour, dedupe.DefaultMaxEntries, func() time.Time { return now })
	next := countingConsumer{n: new(int)}
	in := New(set, Deps{Next: next, Dedupe: index, Objects: NewS3Objects(testAWSConfig(), endpoint, "us-east-1")})
	obj := Object{Bucket: bucket, Key: key, Region: "us-east-1"}
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	cpu, serverCPU := cpuTime(), processCPUTime(b, serverPID)
	for b.Loop() {
		now = now.Add(2 * time.Hour)
		if err := in.readObject(ctx, obj); err != nil {
			b.Fatal(err)
		}
		requireDelivered(b, next, n)
	}
	serverCPU = processCPUTime(b, serverPID) - serverCPU
	reportRates(b, n, cpuTime()-cpu)
	b.ReportMetric(float64(serverCPU.Milliseconds())/float64(b.N), "versitygw-cpu-ms/op")
}

// benchVersityGW starts versitygw as sqstest.StartVersityGW does, or skips the benchmark
// when it is not installed; it returns the server's URL and process ID.
func benchVersityGW(b *testing.B) (string, int) {
	bin := os.Getenv("VERSITYGW_BIN")
	if bin == "" {
		b.Skip("VERSITYGW_BIN is not set (make servers installs versitygw, make sets it)")
	}
	if _, err := os.Stat(bin); err != nil {
		b.Skipf("versitygw is not installed (make servers installs it): %v", err)
	}
	dir := b.TempDir()
	root, side := filepath.Join(dir, "root"), filepath.Join(dir, "sidecar")
	for _, d := range []string{root, side} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			b.Fatal(err)
		}
	}
	addr := sqstest.FreeAddr(b)
	cmd := exec.Command(bin, "--port", addr, "posix", "--sidecar", side, root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+sqstest.AccessKey, "ROOT_SECRET_KEY="+sqstest.SecretKey)
	sqstest.StartProcess(b, addr, cmd)
	return "http://" + addr, cmd.Process.Pid
}

// processCPUTime is the user and system CPU time of process pid, from /proc (in clock
// ticks of 10 ms).
func processCPUTime(b *testing.B, pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command name (in parentheses): utime and stime are the 12th and 13th.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("/proc/%d/stat: %q", pid, stat)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
