// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Command runview follows the OTLP JSON file that `make run`'s collector writes and prints
// one line per CloudTrail log record: time, account, principal, operation, request ID and,
// once the awsrequestid processor stamped it, the trace ID. The detailed records stay in the
// file; this is the view a newcomer reads.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	path := flag.String("file", "build/run/logs.json", "OTLP JSON lines written by the file exporter")
	poll := flag.Duration("poll", 250*time.Millisecond, "how often to look for new lines")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := follow(ctx, *path, *poll, os.Stdout)
	stop()
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "runview:", err)
		os.Exit(1)
	}
}

// follow waits for path to exist, then prints every record of every complete line, and of
// every line appended later, until ctx ends.
func follow(ctx context.Context, path string, every time.Duration, w io.Writer) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	var f *os.File
	for f == nil {
		var err error
		if f, err = os.Open(path); err != nil && !os.IsNotExist(err) { //nolint:gosec // the file named by -file
			return err
		}
		if f == nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
	defer f.Close()
	fmt.Fprintln(w, header())
	lr := &lineReader{r: f}
	for {
		if err := lr.each(func(line []byte) { printLine(w, line) }); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
