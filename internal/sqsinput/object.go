// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"go.uber.org/zap"
)

// errReadStalled ends an object whose body made no progress for ReadIdleTimeout.
var errReadStalled = errors.New("S3 object read stalled")

// idleGuard cancels the object's request when one Read takes longer than idle (time the
// pipeline takes between reads does not count).
type idleGuard struct {
	r      io.Reader
	idle   time.Duration
	cancel context.CancelCauseFunc
}

func (g *idleGuard) Read(p []byte) (int, error) {
	t := time.AfterFunc(g.idle, func() { g.cancel(errReadStalled) })
	n, err := g.r.Read(p)
	t.Stop()
	return n, err
}

// errRefused marks a pipeline refusal that is not permanent: the records come again.
var errRefused = errors.New("pipeline refused records")

// readObject streams one object's records to the pipeline, at most MaxRecordBatch
// records and about MaxBatchBytes at a time.
func (in *Input) readObject(ctx context.Context, obj Object) error {
	class := Classify(obj.Key)
	if class == ClassDigest || class == ClassOther {
		in.deps.Metrics.File(ctx, class, "skipped")
		return nil
	}
	leave, err := in.inWork.enter(ctx, obj)
	if err != nil {
		return err
	}
	defer leave()
	// A read that makes no progress for ReadIdleTimeout ends the object's request, so a
	// stalled connection cannot hold a worker (and, through the heartbeat, the message).
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// The same bound holds for the answer's headers: a server that never answers must not
	// hold the worker either.
	t := time.AfterFunc(in.set.ReadIdleTimeout, func() { cancel(errReadStalled) })
	body, err := in.deps.Objects.Open(ctx, obj)
	if errors.Is(err, ErrObjectNotFound) && obj.RawKey != "" {
		body, err = in.deps.Objects.Open(ctx, Object{Bucket: obj.Bucket, Key: obj.RawKey, Region: obj.Region})
	}
	t.Stop()
	if err != nil && errors.Is(context.Cause(ctx), errReadStalled) {
		err = fmt.Errorf("%w: %w", errReadStalled, err)
	}
	if errors.Is(err, ErrObjectNotFound) {
		// Gone for good (deleted, expired): retrying cannot bring it back.
		in.deps.Metrics.File(ctx, class, "not_found")
		in.deps.Logger.Warn("Trail file named by a notification is gone; skipped",
			zap.String("bucket", obj.Bucket), zap.String("key", obj.Key))
		return nil
	}
	if err != nil {
		if ctx.Err() == nil || errors.Is(err, errReadStalled) {
			in.deps.Metrics.File(ctx, class, "s3_error")
		}
		return err
	}
	defer body.Close()
	guarded := &idleGuard{r: body, idle: in.set.ReadIdleTimeout, cancel: cancel}
	if err := in.stream(ctx, guarded); err != nil {
		if errors.Is(context.Cause(ctx), errReadStalled) {
			err = errReadStalled
		}
		switch {
		case errors.Is(err, errReadStalled):
			in.deps.Metrics.File(ctx, class, "s3_error")
		case ctx.Err() != nil:
		case errors.Is(err, errRefused):
			in.deps.Metrics.File(ctx, class, "refused")
		default:
			in.deps.Metrics.File(ctx, class, "corrupt")
		}
		return err
	}
	in.deps.Metrics.File(ctx, class, "done")
	return nil
}

func (in *Input) stream(ctx context.Context, body io.Reader) error {
	content, err := OpenTrailFile(body)
	if err != nil {
		return err
	}
	rr := in.deps.NewRecords(content)
	s := in.newSink(ctx)
	observed := in.deps.Now()
	for {
		rec, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return s.flush()
		}
		if err != nil {
			// Deliver what was read: when the message comes back, those are duplicates
			// the index drops.
			return errors.Join(fmt.Errorf("read trail file: %w", err), s.flush())
		}
		s.add(rec, observed)
		if s.batch.Len() >= in.set.MaxRecordBatch || s.bytes >= in.set.MaxBatchBytes {
			if err := s.flush(); err != nil {
				return err
			}
		}
	}
}
