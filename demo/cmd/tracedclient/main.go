// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Command tracedclient calls the Amazon Lookout for Metrics API of the awsemu emulator
// with the real aws-sdk-go-v2 client, traced by otelaws (spans over OTLP/HTTP), by the
// X-Ray SDK (segments over UDP to an X-Ray daemon, such as the collector's awsxray
// receiver) or not at all. It prints one JSON line per call on stdout: the operation,
// the request ID the client received and the trace and span IDs of the call's client
// span (hex, as OTLP shows them), so that a test can check that the CloudTrail record
// of each call carries them. Each call goes out once (no SDK retries), so each has one
// request ID and one CloudTrail record.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/smithy-go/middleware"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// callRecord is the JSON line printed per call.
type callRecord struct {
	Seq       int    `json:"seq"`
	Mode      string `json:"mode"`
	Operation string `json:"operation"`
	RequestID string `json:"request_id"`
	TraceID   string `json:"trace_id,omitempty"`
	SpanID    string `json:"span_id,omitempty"`
	Error     string `json:"error,omitempty"`
}

// run makes the calls that args ask for. It returns the exit code: 0 when every call was
// made and the spans flushed, 2 for bad flags, 1 otherwise.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return 2
	}
	inst, err := newInstrumentation(ctx, cfg, stderr)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "tracing:", err)
		return 1
	}
	err = drive(ctx, cfg, inst, json.NewEncoder(stdout))
	flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ferr := inst.shutdown(flushCtx); ferr != nil {
		err = errors.Join(err, fmt.Errorf("flushing spans: %w", ferr))
	}
	if err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func newClient(cfg *config, inst *instrumentation) *lm.Client {
	opts := slices.Concat(inst.apiOptions, []func(*middleware.Stack) error{probe(inst.ids)})
	return lm.New(lm.Options{
		Region:           cfg.region,
		BaseEndpoint:     aws.String(cfg.endpoint),
		HTTPClient:       awsemu.NewHTTPClient(),
		Credentials:      credentials.NewStaticCredentialsProvider(cfg.accessKey, "tracedclient-secret", ""),
		RetryMaxAttempts: 1,
		APIOptions:       opts,
	})
}

// drive makes cfg.calls calls, paced at cfg.rate, and prints one record per call.
func drive(ctx context.Context, cfg *config, inst *instrumentation, out *json.Encoder) error {
	client := newClient(cfg, inst)
	seq := &sequence{prefix: fmt.Sprintf("traced-%s-%x", cfg.mode, time.Now().UnixNano()&0xffffff)}
	start := time.Now()
	for i := range cfg.calls {
		if cfg.rate > 0 {
			if err := sleepUntil(ctx, start.Add(time.Duration(float64(i)/cfg.rate*float64(time.Second)))); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		st := seq.next()
		rec := call(ctx, client, inst, st)
		rec.Seq, rec.Mode = i+1, cfg.mode
		if err := out.Encode(rec); err != nil {
			return err
		}
	}
	return nil
}

// call makes one call under its root span or segment and reports it.
func call(ctx context.Context, client *lm.Client, inst *instrumentation, st step) callRecord {
	info := &callInfo{}
	ctx, end := inst.begin(context.WithValue(ctx, callInfoKey{}, info), st.op)
	err := st.run(ctx, client)
	end(err)
	rec := callRecord{Operation: st.op, RequestID: info.requestID, TraceID: info.traceID, SpanID: info.spanID}
	var respErr *awshttp.ResponseError
	if rec.RequestID == "" && errors.As(err, &respErr) {
		rec.RequestID = respErr.ServiceRequestID()
	}
	if err != nil {
		rec.Error = err.Error()
	}
	return rec
}

func sleepUntil(ctx context.Context, at time.Time) error {
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
