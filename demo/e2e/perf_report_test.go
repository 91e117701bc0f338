// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"text/tabwriter"
)

// perfRow is one row of the performance table.
type perfRow struct {
	run, figure, target, notes string
	ok                         bool
}

var (
	perfMu   sync.Mutex
	perfRows []perfRow
)

func addPerf(r perfRow) {
	perfMu.Lock()
	defer perfMu.Unlock()
	perfRows = append(perfRows, r)
}

// writePerf prints the performance table (and appends it to E2E_PERF_REPORT).
func writePerf() {
	if len(perfRows) == 0 {
		return
	}
	sort.SliceStable(perfRows, func(i, j int) bool { return perfRows[i].run < perfRows[j].run })
	out := []io.Writer{os.Stdout}
	if path := os.Getenv("E2E_PERF_REPORT"); path != "" {
		if f, err := os.Create(path); err == nil {
			defer f.Close()
			out = append(out, f)
		}
	}
	for _, w := range out {
		fmt.Fprintln(w, "\nPerformance (process-level runs)")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "run\tmeasured\ttarget\tmet\tnotes")
		for _, r := range perfRows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", r.run, r.figure, r.target, r.ok, r.notes)
		}
		_ = tw.Flush()
	}
}
