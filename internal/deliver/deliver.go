// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package deliver hands log batches to a pipeline and survives records the pipeline
// refuses for good: on a permanent error (consumererror.IsPermanent) the batch is split in
// halves, again and again, until the refused records are alone; only those are dropped,
// everything else is delivered. A retryable error is returned unchanged, so the caller
// keeps its position and sends the batch again later.
package deliver // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/deliver"

import (
	"context"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Batch is a list of records that can be sent whole or in parts.
type Batch interface {
	// Len is the number of records.
	Len() int
	// Logs returns a plog.Logs holding records [lo, hi), which the pipeline may keep or
	// change: every call returns data no earlier call handed out.
	Logs(lo, hi int) plog.Logs
	// ID names record i in logs and in the Result (for CloudTrail: its event ID).
	ID(i int) string
}

// Result says what became of a batch.
type Result struct {
	// Delivered is the number of records the pipeline accepted.
	Delivered int
	// Dropped names the records the pipeline refused permanently, in batch order.
	Dropped []string
	// Cause is the last permanent error; nil when nothing was dropped.
	Cause error
	// Calls is the number of ConsumeLogs calls made.
	Calls int
}

// Deliver sends b to next. It returns a non-nil error only for an error that is not
// permanent (the pipeline may accept the records later); Result then counts the parts
// delivered before it. Records are sent in order, halves left to right, so those are
// always the first Delivered + len(Dropped) records of b: a caller may skip them when it
// sends the rest again. A permanent
// error is never returned: the refused records are found by bisection (about
// 2*k*log2(n) calls for k refused records among n) and listed in Result.Dropped.
func Deliver(ctx context.Context, next consumer.Logs, b Batch) (Result, error) {
	var res Result
	if b.Len() == 0 {
		return res, nil
	}
	err := send(ctx, next, b, 0, b.Len(), &res)
	return res, err
}

func send(ctx context.Context, next consumer.Logs, b Batch, lo, hi int, res *Result) error {
	res.Calls++
	err := next.ConsumeLogs(ctx, b.Logs(lo, hi))
	switch {
	case err == nil:
		res.Delivered += hi - lo
		return nil
	case !consumererror.IsPermanent(err):
		return err
	case hi-lo == 1:
		res.Dropped = append(res.Dropped, b.ID(lo))
		res.Cause = err
		return nil
	}
	mid := lo + (hi-lo)/2
	if err := send(ctx, next, b, lo, mid, res); err != nil {
		return err
	}
	return send(ctx, next, b, mid, hi, res)
}

// Accepted returns ids without the ones the pipeline refused permanently: what the
// pipeline accepted, when ids name every record of a batch Deliver returned nil for.
func (r Result) Accepted(ids []string) []string {
	if len(r.Dropped) == 0 {
		return ids
	}
	dropped := make(map[string]bool, len(r.Dropped))
	for _, id := range r.Dropped {
		dropped[id] = true
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !dropped[id] {
			out = append(out, id)
		}
	}
	return out
}
