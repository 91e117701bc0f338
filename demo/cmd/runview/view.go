// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

const lineFormat = "%-8s  %-6s  %-12s  %-40s  %-48s  %-36s  %s"

func header() string {
	return fmt.Sprintf(lineFormat, "TIME", "AFTER", "ACCOUNT", "PRINCIPAL", "OPERATION", "REQUEST ID", "TRACE ID")
}

// lineReader hands out complete lines of a file that is still being written: a line
// without its newline yet waits for the next call.
type lineReader struct {
	r       io.Reader
	pending []byte
}

func (l *lineReader) each(fn func([]byte)) error {
	buf := make([]byte, 64<<10)
	for {
		n, err := l.r.Read(buf)
		l.pending = append(l.pending, buf[:n]...)
		for {
			i := bytes.IndexByte(l.pending, '\n')
			if i < 0 {
				break
			}
			if line := bytes.TrimSpace(l.pending[:i]); len(line) > 0 {
				fn(line)
			}
			l.pending = l.pending[i+1:]
		}
		if errors.Is(err, io.EOF) || (err == nil && n == 0) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// printLine prints one row per log record of one OTLP JSON line; a line that is not OTLP
// JSON is reported once, as a row of its own, and skipped.
func printLine(w io.Writer, line []byte) {
	logs, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(line)
	if err != nil {
		fmt.Fprintf(w, "runview: skipped a line that is not OTLP JSON: %v\n", err)
		return
	}
	for _, row := range rows(logs) {
		fmt.Fprintln(w, row)
	}
}

func rows(logs plog.Logs) []string {
	var out []string
	for i := 0; i < logs.ResourceLogs().Len(); i++ {
		rl := logs.ResourceLogs().At(i)
		account := str(rl.Resource().Attributes(), "cloud.account.id")
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			recs := rl.ScopeLogs().At(j).LogRecords()
			for k := 0; k < recs.Len(); k++ {
				out = append(out, row(account, recs.At(k)))
			}
		}
	}
	return out
}

func row(account string, r plog.LogRecord) string {
	a := r.Attributes()
	principal := str(a, "aws.principal.arn")
	if i := strings.LastIndexByte(principal, ':'); i >= 0 {
		principal = principal[i+1:]
	}
	if principal == "" {
		principal = str(a, "aws.principal.type")
	}
	op := strings.TrimSuffix(str(a, "rpc.service"), ".amazonaws.com")
	if m := str(a, "rpc.method"); m != "" {
		op += "." + m
	}
	if code := str(a, "aws.error.code"); code != "" {
		op += " !" + code
	}
	trace := "-"
	if !r.TraceID().IsEmpty() {
		trace = r.TraceID().String()
	}
	return fmt.Sprintf(lineFormat, r.Timestamp().AsTime().UTC().Format(time.TimeOnly), after(r), orDash(account),
		orDash(principal), orDash(op), orDash(str(a, "aws.request_id")), trace)
}

// after is how long after the call (its eventTime, whole seconds) the receiver emitted
// the record (its observed time): seconds on the SQS paths, minutes on LookupEvents.
func after(r plog.LogRecord) string {
	if r.ObservedTimestamp() == 0 || r.Timestamp() == 0 {
		return "-"
	}
	d := r.ObservedTimestamp().AsTime().Sub(r.Timestamp().AsTime())
	if d < 0 {
		d = 0
	}
	return d.Truncate(time.Second).String()
}

func str(m pcommon.Map, key string) string {
	if v, ok := m.Get(key); ok {
		return v.AsString()
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
