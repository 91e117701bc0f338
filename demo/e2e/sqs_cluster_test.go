// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clusterSize is the cluster run's corpus: files trail files, of which big are bigMB
// megabytes uncompressed, the others small records each.
type clusterSize struct {
	files, big, bigMB, small int
}

// clusterCorpus is the size of the run, from E2E_SQS_FILES, E2E_SQS_BIG_FILES and
// E2E_SQS_BIG_MB, or def.
func clusterCorpus(t *testing.T, def clusterSize) clusterSize {
	s := clusterSize{files: envInt(t, "E2E_SQS_FILES", def.files), big: envInt(t, "E2E_SQS_BIG_FILES", def.big),
		bigMB: envInt(t, "E2E_SQS_BIG_MB", def.bigMB), small: def.small}
	require.Less(t, s.big, s.files)
	return s
}

// trailCorpus is what was put in the bucket.
type trailCorpus struct {
	keys    []string
	sizes   []int64 // compressed
	records []int   // per file
	big     map[int]bool
	rawMB   int64
}

// uploadCorpus writes the corpus's gzip trail files into the bucket, four at a time. The
// big files are spread through the queue's order so that they are read while the others
// are.
func uploadCorpus(t *testing.T, st *sqsStack, size clusterSize) *trailCorpus {
	t.Helper()
	c := &trailCorpus{keys: make([]string, size.files), sizes: make([]int64, size.files),
		records: make([]int, size.files), big: map[int]bool{}}
	for b := range size.big {
		c.big[(2*b+1)*size.files/(2*size.big)] = true
	}
	pad := strings.Repeat("logs/2026/12/01/part-", 50) // about 1 KB per big file's record
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	work := make(chan int)
	for range 4 {
		wg.Go(func() {
			for n := range work {
				key, raw, buf, recs, err := buildTrail(n, c.big[n], size, pad)
				if err == nil {
					err = st.put(key, bytes.NewReader(buf))
				}
				mu.Lock()
				c.keys[n], c.sizes[n], c.records[n] = key, int64(len(buf)), recs
				c.rawMB += raw
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		})
	}
	for n := range size.files {
		work <- n
	}
	close(work)
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	c.rawMB >>= 20
	return c
}

// buildTrail builds file n gzip-compressed, and returns its key, its uncompressed size,
// its content and its number of records.
func buildTrail(n int, big bool, size clusterSize, pad string) (string, int64, []byte, int, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return "", 0, nil, 0, err
	}
	cw := &countingWriter{w: zw}
	source := func(int) string { return "s3.amazonaws.com" }
	var recs int
	if big {
		recs, err = writeTrail(cw, n, 1, int64(size.bigMB)<<20, pad, source)
	} else {
		recs, err = writeTrail(cw, n, size.small, 0, "k", source)
	}
	if err == nil {
		err = zw.Close()
	}
	return trailObjectKey(n), cw.n, buf.Bytes(), recs, err
}

type countingWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Issue 12, proof 1: three collector processes share one queue of trail files (some of
// them big); one is killed with SIGKILL while it is inside a big file, and started again.
// At the end no record is lost (every event ID was exported at least once), and every
// duplicate is a record the killed collector had exported from a file it had in work at
// the kill, exported once more when that file's message came back after its visibility
// timeout. The run prints distinct records, lost, duplicates and that bound.
//
// make test runs 300 files, 2 of them 10 MB uncompressed; TestPerfSQSClusterKilledMidFile
// the full size. E2E_SQS_FILES, E2E_SQS_BIG_FILES and E2E_SQS_BIG_MB set any other.
func TestSQSClusterKilledMidFile(t *testing.T) {
	runCluster(t, clusterCorpus(t, clusterSize{files: 300, big: 2, bigMB: 10, small: 40}))
}

// The full size of proof 1 (make bench, E2E_PERF=1): 2,000 files, 5 of them 50 MB
// uncompressed.
func TestPerfSQSClusterKilledMidFile(t *testing.T) {
	if !perf {
		t.Skip("the full-size run is for `make bench` (E2E_PERF=1)")
	}
	runCluster(t, clusterCorpus(t, clusterSize{files: 2000, big: 5, bigMB: 50, small: 40}))
}

func runCluster(t *testing.T, size clusterSize) {
	bin := otelcolBin(t)
	const workers = 4
	opts := sqsCollectorOptions{workers: workers, visibility: 15 * time.Second, eventSources: `["*"]`}
	st := newSQSStack(t, "trail-files")
	began := time.Now()
	corpus := uploadCorpus(t, st, size)
	t.Logf("%d files (%d MB uncompressed, %d of %d MB each), uploaded in %s; 3 collectors, %d workers each, visibility timeout %s",
		size.files, corpus.rawMB, size.big, size.bigMB, time.Since(began).Round(time.Second), workers, opts.visibility)
	cols := make([]*sqsCollector, 3)
	for i := range cols {
		cols[i] = startSQSCollector(t, bin, fmt.Sprintf("otelcol-%d", i), st, opts)
	}
	began = time.Now()
	st.notify(t, corpus.keys, corpus.sizes)

	victim, victimFile := killInsideBigFile(t, cols, corpus)
	before := map[string]int{}
	cols[victim].sink.addTo(before)
	cols = append(cols, startSQSCollector(t, bin, fmt.Sprintf("otelcol-%d-restarted", victim), st, opts))
	all := waitAllExported(t, st, cols, corpus.want())
	elapsed := time.Since(began)

	a := analyseKill(corpus, all, before)
	t.Logf("all exported and every message deleted %s after the notifications", elapsed.Round(time.Second))
	t.Logf("records: %d distinct of %d, %d lost, %d duplicates (bound: %d, the records of the %d files in work at the kill %v)",
		len(all), corpus.want(), a.lost, a.dups, a.bound, len(a.inWork), a.files)
	for i, c := range cols {
		t.Logf("  collector %d exported %d records", i, c.sink.total())
	}
	a.report(size, corpus, elapsed, workers)
	assert.Zero(t, a.lost, "records lost")
	assert.Len(t, all, corpus.want(), "records exported that are not in the corpus")
	assert.Empty(t, a.unexplained, "duplicates that are not a record the killed collector exported from a file in work")
	assert.LessOrEqual(t, len(a.inWork), workers, "files in work at the kill: at most one per worker")
	// What the victim had exported of its unfinished files came again: the files were
	// read again in full, by another collector or by the restarted one.
	assert.GreaterOrEqual(t, a.dups, a.partial, "the records the killed collector exported from its files in work come again")
	assert.True(t, a.inWork[victimFile], "the big file the collector was killed in")
}

func (c *trailCorpus) want() int {
	n := 0
	for _, k := range c.records {
		n += k
	}
	return n
}

// killInsideBigFile kills (SIGKILL) the first collector seen inside a big file (part of
// it exported, not all), and returns it and the file.
func killInsideBigFile(t *testing.T, cols []*sqsCollector, corpus *trailCorpus) (victim, file int) {
	t.Helper()
	began := time.Now()
	require.Eventually(t, func() bool {
		for i, c := range cols {
			for n := range corpus.big {
				if got := c.sink.fileCount(n); got > 0 && got < corpus.records[n] {
					victim, file = i, n
					return true
				}
			}
		}
		return false
	}, 5*time.Minute, 2*time.Millisecond, "no collector was seen inside a big file")
	cols[victim].kill(t)
	t.Logf("killed otelcol-%d with SIGKILL %s after the last notification was sent, inside file %d (%d of its %d records exported)",
		victim, time.Since(began).Round(time.Millisecond), file, cols[victim].sink.fileCount(file), corpus.records[file])
	return victim, file
}

// waitAllExported waits until the sinks together hold want distinct event IDs and the
// queue is empty, and returns how often each ID was exported.
func waitAllExported(t *testing.T, st *sqsStack, cols []*sqsCollector, want int) map[string]int {
	t.Helper()
	var mu sync.Mutex
	all := map[string]int{}
	ok := assert.Eventually(t, func() bool {
		got := map[string]int{}
		for _, c := range cols {
			c.sink.addTo(got)
		}
		mu.Lock()
		all = got
		mu.Unlock()
		return len(got) >= want && st.queueEmpty()
	}, 8*time.Minute, time.Second)
	mu.Lock()
	defer mu.Unlock()
	require.True(t, ok, "not every record exported and every message deleted: %d of %d records", len(all), want)
	return all
}

// killAnalysis compares what was exported with the corpus and with what the killed
// collector had exported before the kill.
type killAnalysis struct {
	lost, dups, bound, partial int
	// inWork are the files in work at the kill: the ones the killed collector had
	// exported part of, and the ones exported again after it (their message came back,
	// so it was not deleted yet).
	inWork      map[int]bool
	files       []int
	unexplained []string
}

func analyseKill(corpus *trailCorpus, all, before map[string]int) killAnalysis {
	a := killAnalysis{inWork: map[int]bool{}}
	for n, recs := range corpus.records {
		for i := range recs {
			if all[eventID(n, i)] == 0 {
				a.lost++
			}
		}
	}
	beforeFile := map[int]int{}
	for id, k := range before {
		beforeFile[fileOf(id)] += k
	}
	for n, k := range beforeFile {
		if k < corpus.records[n] {
			a.inWork[n] = true
		}
	}
	for id, k := range all {
		a.dups += k - 1
		if k > 1 {
			a.inWork[fileOf(id)] = true
			if k != 2 || before[id] != 1 {
				a.unexplained = append(a.unexplained, fmt.Sprintf("%s: exported %d times, %d by the killed collector", id, k, before[id]))
			}
		}
	}
	for n := range a.inWork {
		a.bound += corpus.records[n]
		a.partial += beforeFile[n]
		a.files = append(a.files, n)
	}
	sort.Ints(a.files)
	return a
}

// report adds the run to the reliability table, and to the performance table under E2E_PERF.
func (a killAnalysis) report(size clusterSize, corpus *trailCorpus, elapsed time.Duration, workers int) {
	want := corpus.want()
	addOutcome(outcome{scenario: fmt.Sprintf("sqs: 3 collectors, 1 SIGKILL mid-file (%d files, %d MB)", size.files, corpus.rawMB),
		expected: want, delivered: want - a.lost, lost: a.lost, duplicated: a.dups, took: elapsed,
		notes: fmt.Sprintf("duplicates bound %d: the records of the %d files in work at the kill", a.bound, len(a.inWork))})
	if perf {
		addPerf(perfRow{run: fmt.Sprintf("sqs: 3 collectors, %d files (%d MB), SIGKILL mid-file", size.files, corpus.rawMB),
			figure: fmt.Sprintf("%d lost, %d duplicates", a.lost, a.dups), target: fmt.Sprintf("0 lost, duplicates <= %d", a.bound),
			ok:    a.lost == 0 && len(a.unexplained) == 0 && len(a.inWork) <= workers,
			notes: fmt.Sprintf("%d records in %s", want, elapsed.Round(time.Second))})
	}
}
