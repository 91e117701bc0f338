// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Command otlpfile serves an OTLP/HTTP logs endpoint on a loopback address and appends
// every request to a file as one line of OTLP JSON (see package otlpfile): `make run`
// keeps the collector's detailed records in build/run/logs.json with it. It prints
// "otlpfile listening on <base URL>" once it serves, and stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/otlpfile"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run serves until ctx is done; it returns 0 after a clean stop, 2 for bad flags, 1
// otherwise.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("otlpfile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4319", "address to listen on")
	out := fs.String("out", "logs.json", "file to append to")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return 1
	}
	defer f.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return 1
	}
	srv := &http.Server{Handler: otlpfile.NewHandler(f, nil), ReadHeaderTimeout: 10 * time.Second}
	_, _ = fmt.Fprintf(stdout, "otlpfile listening on http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		_, _ = fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
