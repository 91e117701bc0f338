// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/otelcol-cloudtrail/awscloudtrail/demo/trailfeed"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// feedConfig is the real-time delivery of recorded calls (demo/trailfeed): EventBridge
// events and trail files with S3 notifications, to an S3 and an SQS server.
type feedConfig struct {
	s3Endpoint, sqsEndpoint       string
	bucket                        string
	interval                      time.Duration
	trailQueueURL, eventBridgeURL string
	create                        bool
	accessKeyID, secretAccessKey  string
}

func (f *feedConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&f.sqsEndpoint, "sqs-endpoint", "", "SQS server (e.g. fauxqs) that receives the real-time feed: every recorded call, once it is in the history, as EventBridge events and trail file notifications; empty: no feed")
	fs.StringVar(&f.eventBridgeURL, "eventbridge-queue-url", "", "queue that gets each recorded call at once as an EventBridge event (detail-type \"AWS API Call via CloudTrail\", detail = the record); empty: none")
	fs.StringVar(&f.trailQueueURL, "trail-queue-url", "", "queue that gets the S3 event notification (eventVersion 2.1) of each trail file; may be -eventbridge-queue-url")
	fs.StringVar(&f.s3Endpoint, "s3-endpoint", "", "S3 server (e.g. versitygw, path-style, region us-east-1) that gets the trail files; empty: no trail files")
	fs.StringVar(&f.bucket, "trail-bucket", "cloudtrail-logs", "bucket of the trail files: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<ts>_<id>.json.gz")
	fs.DurationVar(&f.interval, "trail-interval", 5*time.Minute, "each account-region's calls of this interval become one trail file")
	fs.BoolVar(&f.create, "feed-create", false, "create the bucket and the queues (named by the last element of their URLs) before serving")
	f.accessKeyID, f.secretAccessKey = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
}

// check validates the feed flags; the credentials come from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY.
func (f *feedConfig) check() error {
	switch {
	case f.sqsEndpoint == "" && (f.eventBridgeURL != "" || f.trailQueueURL != "" || f.s3Endpoint != ""):
		return errors.New("-eventbridge-queue-url, -trail-queue-url and -s3-endpoint need -sqs-endpoint")
	case f.sqsEndpoint == "":
		return nil
	case f.eventBridgeURL == "" && f.trailQueueURL == "":
		return errors.New("-sqs-endpoint needs -eventbridge-queue-url or -trail-queue-url")
	case (f.s3Endpoint == "") != (f.trailQueueURL == ""):
		return errors.New("trail files need both -s3-endpoint and -trail-queue-url")
	case f.s3Endpoint != "" && (f.bucket == "" || f.interval <= 0):
		return errors.New("trail files need -trail-bucket and a positive -trail-interval")
	case f.accessKeyID == "" || f.secretAccessKey == "":
		return errors.New("the feed signs its S3 and SQS requests with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both")
	}
	return nil
}

func (f *feedConfig) enabled() bool { return f.sqsEndpoint != "" }

// options are the feed's options with its S3 and SQS clients; with -feed-create
// the bucket and queues are created first (and the queue URLs are the server's).
func (f *feedConfig) options(ctx context.Context) (trailfeed.Options, error) {
	creds := credentials.NewStaticCredentialsProvider(f.accessKeyID, f.secretAccessKey, "")
	hc := awsemu.NewHTTPClient()
	q := trailfeed.NewSQS(f.sqsEndpoint, "us-east-1", creds, hc)
	opts := trailfeed.Options{Queue: q, EventBridgeQueueURL: f.eventBridgeURL, TrailQueueURL: f.trailQueueURL}
	if f.s3Endpoint != "" {
		s3c := trailfeed.NewS3(f.s3Endpoint, "us-east-1", creds, hc)
		opts.Objects, opts.Bucket = s3c, f.bucket
		if f.create {
			if err := trailfeed.EnsureBucket(ctx, s3c, f.bucket); err != nil {
				return opts, err
			}
		}
	}
	if !f.create {
		return opts, nil
	}
	for _, u := range []*string{&opts.EventBridgeQueueURL, &opts.TrailQueueURL} {
		if *u == "" {
			continue
		}
		url, err := trailfeed.EnsureQueue(ctx, q, *u)
		if err != nil {
			return opts, err
		}
		*u = url
	}
	return opts, nil
}

// newTrailFeed sets the feed up (nil without -sqs-endpoint): its clients, with
// -feed-create the bucket and queues, and the store's present events marked as history.
func newTrailFeed(ctx context.Context, cfg *config, srv *awsemu.Server, logger *slog.Logger) (*trailfeed.Feed, error) {
	if !cfg.feed.enabled() {
		return nil, nil
	}
	setup, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	opts, err := cfg.feed.options(setup)
	if err != nil {
		return nil, err
	}
	opts.Store, opts.Logger = srv.Store(), logger
	opts.Clock = func() time.Time { return time.Now().Add(cfg.clockOffset) }
	if opts.Objects != nil {
		opts.Files = time.NewTicker(cfg.feed.interval).C // runs as long as the process
	}
	logger.Info("real-time feed", "eventbridge_queue", opts.EventBridgeQueueURL, "trail_queue", opts.TrailQueueURL,
		"bucket", opts.Bucket, "trail_interval", cfg.feed.interval)
	return trailfeed.New(opts)
}

// runTrailFeed delivers the recorded calls until ctx is done.
func runTrailFeed(ctx context.Context, feed *trailfeed.Feed, logger *slog.Logger) {
	var stats trailfeed.Stats
	feed.Run(ctx, &stats)
	logger.Info("real-time feed done", "events", stats.Events.Load(), "eventbridge_events", stats.EventBridge.Load(),
		"trail_files", stats.Files.Load(), "failed_requests", stats.Failures.Load())
}
