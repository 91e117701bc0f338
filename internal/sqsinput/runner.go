// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// Delivery is one received message.
type Delivery struct {
	ID, ReceiptHandle, Body string
	// ReceiveCount is how often SQS handed the message out (1 the first time).
	ReceiveCount int
}

// Queue is the part of SQS the input uses.
type Queue interface {
	Receive(ctx context.Context, maxMessages int, wait, visibility time.Duration) ([]Delivery, error)
	Delete(ctx context.Context, receiptHandle string) error
	ChangeVisibility(ctx context.Context, receiptHandle string, timeout time.Duration) error
}

// Objects opens S3 objects: the body streams from the HTTP response.
type Objects interface {
	Open(ctx context.Context, obj Object) (io.ReadCloser, error)
}

// ErrObjectNotFound is returned (wrapped) by Objects.Open for an object that is gone.
var ErrObjectNotFound = errors.New("object not found")

// Settings configure the input.
type Settings struct {
	Workers           int
	MaxMessages       int
	WaitTime          time.Duration
	VisibilityTimeout time.Duration
	MaxRecordBatch    int
	// MaxBatchBytes ends a batch once its records' JSON text reaches this many bytes
	// (default 16 MiB): a file of large records is not held max_record_batch at a time.
	MaxBatchBytes int
	// ReadIdleTimeout ends an S3 read that makes no progress for this long (default 2m),
	// and an SQS call that has no answer this long (past the long poll's wait).
	ReadIdleTimeout time.Duration
	Filter          Filter
	Translate       translate.Options
	// Redact rewrites every record before translation; nil changes nothing.
	Redact *redact.Redactor
}

// Metrics count what the input does.
type Metrics interface {
	// Message counts a message by kind and outcome: deleted or retry (left in the queue).
	Message(ctx context.Context, kind Kind, outcome string)
	// File counts an object by class and outcome: done, skipped, not_found, s3_error,
	// corrupt or refused.
	File(ctx context.Context, class Class, outcome string)
	// Records counts records by outcome: emitted, filtered, duplicate, malformed, dropped
	// (refused for good by the pipeline), redaction_dropped.
	Records(ctx context.Context, outcome string, n int)
}

// Ticker is a time.Ticker that tests can drive.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

type realTicker struct{ *time.Ticker }

func (t realTicker) C() <-chan time.Time { return t.Ticker.C }

// Deps are what the input talks to.
type Deps struct {
	Queue   Queue
	Objects Objects
	Next    consumer.Logs
	Dedupe  *dedupe.Index
	Logger  *zap.Logger
	Metrics Metrics
	// Report sees the outcome of every receive and message (nil: a success), for status.
	Report func(error)
	// Test seams; nil takes the real thing.
	Now        func() time.Time
	NewTicker  func(time.Duration) Ticker
	After      func(time.Duration) <-chan time.Time
	NewRecords NewRecordReader
}

// Input runs the SQS input.
type Input struct {
	set    Settings
	deps   Deps
	inWork inWork // objects being read, so that two messages naming one are read one after the other
}

// New returns an Input; Run starts it.
func New(set Settings, deps Deps) *Input {
	set.Workers = max(set.Workers, 1)
	set.MaxMessages = min(max(set.MaxMessages, 1), 10)
	set.MaxRecordBatch = max(set.MaxRecordBatch, 1)
	if set.MaxBatchBytes <= 0 {
		set.MaxBatchBytes = defaultMaxBatchBytes
	}
	if set.ReadIdleTimeout <= 0 {
		set.ReadIdleTimeout = defaultReadIdleTimeout
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.NewTicker == nil {
		deps.NewTicker = func(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }
	}
	if deps.After == nil {
		deps.After = time.After
	}
	if deps.NewRecords == nil {
		deps.NewRecords = NewStreamReader
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Metrics == nil {
		deps.Metrics = nopMetrics{}
	}
	if deps.Report == nil {
		deps.Report = func(error) {}
	}
	return &Input{set: set, deps: deps}
}

// defaultMaxBatchBytes is Settings.MaxBatchBytes' default.
const defaultMaxBatchBytes = 16 << 20

// defaultReadIdleTimeout is Settings.ReadIdleTimeout's default.
const defaultReadIdleTimeout = 2 * time.Minute

// Receive errors are retried after receiveRetryBase, doubling up to receiveRetryMax.
const (
	receiveRetryBase = time.Second
	receiveRetryMax  = 30 * time.Second
)

// Run receives and handles messages until ctx ends, then waits for the messages in work
// (which give up at once: their context is ctx).
func (in *Input) Run(ctx context.Context) {
	slots := make(chan struct{}, in.set.Workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	failures := 0
	for {
		n := in.acquire(ctx, slots)
		if n == 0 {
			return
		}
		// A server that never answers must not hold the input: the call may take the long
		// poll's wait and ReadIdleTimeout more.
		rctx, rcancel := context.WithTimeout(ctx, in.set.WaitTime+in.set.ReadIdleTimeout)
		msgs, err := in.deps.Queue.Receive(rctx, n, in.set.WaitTime, in.set.VisibilityTimeout)
		rcancel()
		if len(msgs) > n {
			// More than asked for (SQS never does): no worker is free for the rest, so
			// they go back to the queue at once.
			for _, m := range msgs[n:] {
				in.release(m)
			}
			msgs = msgs[:n]
		}
		for range n - len(msgs) {
			<-slots
		}
		if ctx.Err() != nil && len(msgs) == 0 {
			return
		}
		if err != nil {
			failures++
			in.deps.Report(fmt.Errorf("sqs ReceiveMessage: %w", err))
			select {
			case <-in.deps.After(min(receiveRetryBase<<min(failures-1, 10), receiveRetryMax)):
			case <-ctx.Done():
				return
			}
			continue
		}
		failures = 0
		for _, m := range msgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				in.handle(ctx, m)
			}()
		}
	}
}

// acquire takes one free worker slot (waiting for it) and as many more as are free, up
// to MaxMessages: a message is received only when a worker is there to take it, so none
// waits unwatched while its visibility runs out.
func (in *Input) acquire(ctx context.Context, slots chan struct{}) int {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	n := 1
	for n < in.set.MaxMessages {
		select {
		case slots <- struct{}{}:
			n++
		default:
			return n
		}
	}
	return n
}

type nopMetrics struct{}

func (nopMetrics) Message(context.Context, Kind, string) {}
func (nopMetrics) File(context.Context, Class, string)   {}
func (nopMetrics) Records(context.Context, string, int)  {}
