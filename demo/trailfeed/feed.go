// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package trailfeed is the emulator's real-time side: it watches the emulator's
// CloudTrail history and delivers every new event the two ways AWS does besides
// LookupEvents. Each event is sent at once as an EventBridge event (AWS's envelope, the
// record as detail) to a queue, and each account-region's events are collected and
// written every interval as a gzip trail file into an S3 bucket, followed by the S3 event
// notification of that object (eventVersion 2.1) to a queue. Both queues may be one.
// It talks to real servers (an S3 and an SQS) through aws-sdk-go-v2 clients.
//
// Every event goes to EventBridge, read-only ones too: AWS sends those only to a rule
// whose state is ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, which the feed plays.
// What the feed does not play: EventBridge's best-effort loss, and CloudTrail's digest
// files. Requests that fail are retried on the next scan or interval, in order.
package trailfeed // import "github.com/otelcol-cloudtrail/awscloudtrail/demo/trailfeed"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// Objects is the part of the S3 client the feed uses.
type Objects interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// Queue is the part of the SQS client the feed uses.
type Queue interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Options configures Run.
type Options struct {
	// Store is the emulator's CloudTrail history.
	Store *awsemu.Store
	// Since: events with an earlier eventTime (the seeded history) are not fed.
	// Default: Clock() when Run starts.
	Since time.Time
	// Clock is the emulator's clock (trail file names, notification times). Default time.Now.
	Clock func() time.Time
	// Queue sends the messages; EventBridgeQueueURL receives the EventBridge events
	// ("" for none), TrailQueueURL the S3 notifications of trail files.
	Queue                              Queue
	EventBridgeQueueURL, TrailQueueURL string
	// Objects stores trail files in Bucket, whose region (the notifications'
	// awsRegion) is BucketRegion (default us-east-1). Objects nil: no trail files.
	Objects      Objects
	Bucket       string
	BucketRegion string
	// Scans paces the scans of the store for new events (default every 200ms); Files
	// the writing of trail files (default every 5 minutes, as CloudTrail).
	Scans, Files <-chan time.Time
	// Discover is how often the store is searched for new account-regions (a pass
	// over every event). The first event of an account-region that appears later waits
	// for it. Default 1s.
	Discover time.Duration
	// Lookback: an event recorded this long after its eventTime is still found. Default 1m.
	Lookback time.Duration
	// Logger gets a debug line per file and message, a warning per failed request.
	Logger *slog.Logger
}

// Stats counts what a feed delivered.
type Stats struct {
	Events      atomic.Int64 // new events found
	EventBridge atomic.Int64 // EventBridge events sent
	Files       atomic.Int64 // trail files written and notified
	Failures    atomic.Int64 // failed requests (retried on the next scan or interval)
}

// Feed is a feed of one store.
type Feed struct {
	opts    Options
	watch   *watcher
	pending [][]byte               // EventBridge events not yet sent
	trails  map[streamKey][][]byte // records per account-region for the next files
	unsent  []ObjectCreated        // files written whose notification failed
	seq     uint64
	stats   *Stats
}

// New checks opts and returns a feed of the events added to the store from now on: the
// events the store holds now (the seeded history) are never fed, even those in the
// second of Since.
func New(opts Options) (*Feed, error) {
	if opts.Store == nil || opts.Queue == nil {
		return nil, errors.New("trailfeed: Store and Queue are required")
	}
	if opts.Objects != nil && (opts.Bucket == "" || opts.TrailQueueURL == "") {
		return nil, errors.New("trailfeed: trail files need Bucket and TrailQueueURL")
	}
	opts = withDefaults(opts)
	f := &Feed{opts: opts, watch: newWatcher(opts.Store, opts.Since, opts.Lookback), trails: map[streamKey][][]byte{}}
	f.watch.discover(opts.Clock())
	f.watch.scan() // the history
	return f, nil
}

// Run is New, then Feed.Run.
func Run(ctx context.Context, opts Options, stats *Stats) error {
	f, err := New(opts)
	if err != nil {
		return err
	}
	f.Run(ctx, stats)
	return nil
}

// Run feeds until ctx is done, then writes the records collected so far as a last
// round of trail files (within 5 s), and returns. stats may be nil.
func (f *Feed) Run(ctx context.Context, stats *Stats) {
	if stats == nil {
		stats = &Stats{}
	}
	f.stats = stats
	scans, files := f.opts.Scans, f.opts.Files
	if scans == nil {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		scans = t.C
	}
	if files == nil {
		t := time.NewTicker(5 * time.Minute)
		defer t.Stop()
		files = t.C
	}
	lastDiscover := time.Now()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			f.collect(final)
			f.writeFiles(final)
			cancel()
			return
		case <-scans:
			if time.Since(lastDiscover) >= f.opts.Discover {
				f.watch.discover(f.opts.Clock())
				lastDiscover = time.Now()
			}
			f.collect(ctx)
		case <-files:
			f.collect(ctx)
			f.writeFiles(ctx)
		}
	}
}

func withDefaults(o Options) Options {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Since.IsZero() {
		o.Since = o.Clock().Truncate(time.Second) // eventTimes are whole seconds
	}
	if o.BucketRegion == "" {
		o.BucketRegion = "us-east-1"
	}
	if o.Discover <= 0 {
		o.Discover = time.Second
	}
	if o.Lookback <= 0 {
		o.Lookback = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// collect takes the new events: each becomes an EventBridge event, sent at once, and a
// record of its account-region's next trail file.
func (f *Feed) collect(ctx context.Context) {
	for _, ev := range f.watch.scan() {
		f.stats.Events.Add(1)
		rec := []byte(ev.CloudTrailEvent)
		if f.opts.Objects != nil {
			k := streamKey{ev.Account, ev.Region}
			f.trails[k] = append(f.trails[k], rec)
		}
		if f.opts.EventBridgeQueueURL == "" {
			continue
		}
		msg, err := EventBridgeEvent(ev.Account, ev.Region, rec)
		if err != nil {
			f.opts.Logger.Warn("record is not JSON: no EventBridge event", "eventID", ev.EventID, "error", err)
			continue
		}
		f.pending = append(f.pending, msg)
	}
	for len(f.pending) > 0 {
		if !f.send(ctx, f.opts.EventBridgeQueueURL, f.pending[0]) {
			return // the rest on the next scan
		}
		f.stats.EventBridge.Add(1)
		f.pending = f.pending[1:]
	}
}

func (f *Feed) send(ctx context.Context, queueURL string, body []byte) bool {
	_, err := f.opts.Queue.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(string(body))})
	if err != nil {
		f.stats.Failures.Add(1)
		f.opts.Logger.Warn("sqs SendMessage", "queue", queueURL, "error", err)
		return false
	}
	return true
}

// writeFiles writes each account-region's collected records as one trail file and
// sends its notification. A failed upload keeps the records for the next interval; a
// failed notification is sent again then.
func (f *Feed) writeFiles(ctx context.Context) {
	if !f.notify(ctx) {
		return
	}
	for k, recs := range f.trails {
		o, err := f.put(ctx, k, recs)
		if err != nil {
			f.stats.Failures.Add(1)
			f.opts.Logger.Warn("s3 PutObject", "bucket", f.opts.Bucket, "error", err)
			continue
		}
		delete(f.trails, k)
		f.unsent = append(f.unsent, o)
		f.opts.Logger.Debug("trail file", "key", o.Key, "records", len(recs), "bytes", o.Size)
	}
	f.notify(ctx)
}

// notify sends the notifications of the files written; false if one failed.
func (f *Feed) notify(ctx context.Context) bool {
	for len(f.unsent) > 0 {
		body, err := S3EventNotification(f.unsent[0])
		if err != nil || !f.send(ctx, f.opts.TrailQueueURL, body) {
			return false
		}
		f.stats.Files.Add(1)
		f.unsent = f.unsent[1:]
	}
	return true
}

func (f *Feed) put(ctx context.Context, k streamKey, recs [][]byte) (ObjectCreated, error) {
	body, err := TrailFile(recs)
	if err != nil {
		return ObjectCreated{}, err
	}
	now := f.opts.Clock()
	key := TrailKey(k.account, k.region, now)
	out, err := f.opts.Objects.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.opts.Bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))), ContentType: aws.String("application/json"),
		ContentEncoding: aws.String("gzip")})
	if err != nil {
		return ObjectCreated{}, err
	}
	f.seq++
	return ObjectCreated{Bucket: f.opts.Bucket, Key: key, Region: f.opts.BucketRegion, Size: int64(len(body)),
		ETag: aws.ToString(out.ETag), Sequencer: fmt.Sprintf("%016X%02X", now.UnixNano(), f.seq%256),
		Time: now, SourceIP: "127.0.0.1"}, nil
}
