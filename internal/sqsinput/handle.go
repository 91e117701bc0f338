// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
)

// releaseTimeout bounds the visibility reset of a message given back at shutdown, and
// the deletion of a delivered message.
const releaseTimeout = time.Second

// handle works one message and deletes it when everything it names was delivered; on
// failure it leaves it to come back after its visibility timeout (at shutdown: at once).
func (in *Input) handle(ctx context.Context, d Delivery) {
	msg := Parse([]byte(d.Body))
	stop := in.heartbeat(ctx, d)
	err := in.work(ctx, msg)
	stop()
	log := in.deps.Logger.With(zap.String("message_id", d.ID), zap.String("kind", msg.Kind.String()))
	if err != nil {
		in.deps.Metrics.Message(ctx, msg.Kind, "retry")
		if ctx.Err() != nil {
			in.release(d)
			return
		}
		in.deps.Report(err)
		log.Warn("SQS message left in the queue for another try (the queue's redrive policy ends a message that keeps failing)",
			zap.Int("receive_count", d.ReceiveCount), zap.Error(err))
		return
	}
	// Everything was delivered: delete even when shutdown began meanwhile or begins
	// while the call is in flight (the index that would drop its records as duplicates
	// does not outlive the process), then within releaseTimeout.
	// A call without an answer is given up after ReadIdleTimeout.
	dctx, cancel := afterShutdown(ctx, releaseTimeout)
	dctx, cancelCall := context.WithTimeout(dctx, in.set.ReadIdleTimeout)
	err = in.deps.Queue.Delete(dctx, d.ReceiptHandle)
	cancelCall()
	cancel()
	if err != nil {
		// Everything was delivered; the message comes back and its records are dropped
		// as duplicates while the index holds them.
		in.deps.Metrics.Message(ctx, msg.Kind, "retry")
		in.deps.Report(fmt.Errorf("sqs DeleteMessage: %w", err))
		log.Warn("SQS message delivered but not deleted", zap.Error(err))
		return
	}
	in.deps.Metrics.Message(ctx, msg.Kind, "deleted")
	in.deps.Report(nil)
	if msg.Kind == KindUnknown {
		log.Debug("Deleted an SQS message of no known kind")
	}
}

// heartbeat extends the message's visibility every half timeout while it is in work.
// The returned function stops it, ending an extension in flight, and waits for it; each
// extension may take at most half the timeout (by then the next one is due).
func (in *Input) heartbeat(ctx context.Context, d Delivery) func() {
	vis := in.set.VisibilityTimeout
	interval := max(vis/2, time.Millisecond)
	t := in.deps.NewTicker(interval)
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-t.C():
				cctx, ccancel := context.WithTimeout(ctx, interval)
				err := in.deps.Queue.ChangeVisibility(cctx, d.ReceiptHandle, vis)
				ccancel()
				if err != nil && ctx.Err() == nil {
					in.deps.Logger.Debug("Failed to extend an SQS message's visibility",
						zap.String("message_id", d.ID), zap.Error(err))
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() {
		t.Stop()
		cancel()
		<-stopped
	}
}

// afterShutdown returns a context that outlives ctx by grace: it ends grace after ctx
// ends (grace from now when ctx has ended already), or when the returned func is called.
func afterShutdown(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var mu sync.Mutex
	var timer *time.Timer
	finished := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !finished {
			timer = time.AfterFunc(grace, cancel)
		}
	})
	return dctx, func() {
		stop()
		mu.Lock()
		finished = true
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	}
}

// release makes a message visible again at once, so another collector takes it now
// rather than after its timeout; a failure only delays it.
func (in *Input) release(d Delivery) {
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	_ = in.deps.Queue.ChangeVisibility(ctx, d.ReceiptHandle, 0)
}

// work delivers what a message names; nil means the message is done with.
func (in *Input) work(ctx context.Context, msg Message) error {
	switch msg.Kind {
	case KindEventBridgeRecord:
		s := in.newSink(ctx)
		s.add(msg.Record, in.deps.Now())
		return s.flush()
	case KindS3Event, KindCloudTrailNotification, KindEventBridgeObject:
		var errs []error
		failed := 0
		for _, obj := range msg.Objects {
			if err := in.readObject(ctx, obj); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if failed++; failed <= maxObjectErrors {
					errs = append(errs, fmt.Errorf("s3://%s/%s: %w", obj.Bucket, obj.Key, err))
				}
			}
		}
		if failed > maxObjectErrors {
			// One log line and one status need not carry a thousand errors.
			errs = append(errs, fmt.Errorf("and %d more of the %d objects failed", failed-maxObjectErrors, len(msg.Objects)))
		}
		return errors.Join(errs...)
	}
	return nil // test events and unknown messages are deleted
}

// maxObjectErrors is how many of a message's failed objects its error names.
const maxObjectErrors = 3
