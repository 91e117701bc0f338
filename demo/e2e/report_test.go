// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"
)

// full runs the reliability scenarios at full size (`make reliability`); without it they
// run a short version of each (`make test`).
var full = os.Getenv("E2E_FULL") != ""

// outcome is one row of the reliability table.
type outcome struct {
	scenario                              string
	expected, delivered, lost, duplicated int
	took                                  time.Duration
	notes                                 string
}

var (
	reportMu sync.Mutex
	report   []outcome
)

func addOutcome(o outcome) {
	reportMu.Lock()
	defer reportMu.Unlock()
	report = append(report, o)
}

// tally compares the IDs a sink received with the IDs expected.
func tally(expected []string, got map[string]int) (delivered, lost, duplicated int) {
	for _, id := range expected {
		n := got[id]
		if n == 0 {
			lost++
			continue
		}
		delivered++
		duplicated += n - 1
	}
	return delivered, lost, duplicated
}

func TestMain(m *testing.M) {
	code := m.Run()
	writePerf()
	if len(report) > 0 {
		writeReport(os.Stdout)
		if path := os.Getenv("E2E_REPORT"); path != "" {
			if f, err := os.Create(path); err == nil {
				writeReport(f)
				_ = f.Close()
			}
		}
	}
	os.Exit(code)
}

func writeReport(w io.Writer) {
	sort.SliceStable(report, func(i, j int) bool { return report[i].scenario < report[j].scenario })
	size := "short"
	if full {
		size = "full"
	}
	fmt.Fprintf(w, "\nReliability (%s run)\n", size)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\texpected\tdelivered\tlost\tduplicated\ttook\tnotes")
	for _, o := range report {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\n", o.scenario, o.expected, o.delivered, o.lost,
			o.duplicated, o.took.Round(100*time.Millisecond), strings.ReplaceAll(o.notes, "\t", " "))
	}
	_ = tw.Flush()
}
