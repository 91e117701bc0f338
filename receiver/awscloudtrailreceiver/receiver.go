// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/receiver"
	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

type cloudtrailReceiver struct {
	cfg  *Config
	set  receiver.Settings
	next consumer.Logs
	tb   *metadata.TelemetryBuilder
	// gate bounds how many streams of every account and region read at once.
	gate *poll.Gate

	// Test seams.
	now   func() time.Time
	timer poll.Timer
	// runAccountRegion polls one account-region until ctx ends (runRegion unless a test
	// replaces it).
	runAccountRegion func(ctx context.Context, rr regionRun)

	mu      sync.Mutex
	streams []*poll.Stream // guarded by mu: regions add theirs once their account is known
	regions []regionRun
	// baseSettings are what every stream shares, before its account, region and source.
	baseSettings poll.Settings
	storage      storage.Client
	status       *statusTracker
	cancel       context.CancelFunc
	wg           sync.WaitGroup
	// stopping is set by Shutdown: account-regions that stop then keep their last status.
	stopping atomic.Bool
	// sqs is the SQS input, nil unless sqs.queue_url is set.
	sqs *sqsinput.Input
	// dedupe is the index of emitted event IDs the inputs share (see dedupeIndex).
	dedupe *dedupe.Index
}

func newReceiver(set receiver.Settings, cfg *Config, next consumer.Logs) (*cloudtrailReceiver, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &cloudtrailReceiver{cfg: cfg, set: set, next: next, tb: tb, now: time.Now,
		gate: poll.NewGate(cfg.MaxConcurrentReads)}, nil
}

// Start prepares every region and starts polling in the background. It does no network
// I/O: each region resolves its credentials and account, then its streams read their
// checkpoints, on their own goroutines.
func (r *cloudtrailReceiver) Start(ctx context.Context, host component.Host) error {
	store, err := r.openStore(ctx, host)
	if err != nil {
		return err
	}
	if r.cfg.LookupEvents {
		if err := r.buildRegions(ctx, store); err != nil {
			return errors.Join(err, r.closeStorage(ctx))
		}
	}
	if r.sqs, err = r.buildSQS(ctx); err != nil {
		return errors.Join(err, r.closeStorage(ctx))
	}
	if err := r.tb.RegisterReceiverAwscloudtrailClockSkewCallback(r.observeSkew); err != nil {
		return errors.Join(err, r.closeStorage(ctx))
	}
	r.status = newStatusTracker(host, r.set.Logger)
	if err := errors.Join(r.tb.RegisterReceiverAwscloudtrailCheckpointLagCallback(r.observeLag),
		r.tb.RegisterReceiverAwscloudtrailStreamsCallback(r.observeStreams)); err != nil {
		return errors.Join(err, r.closeStorage(ctx))
	}
	runCtx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	for _, t := range r.staticTargets() {
		r.startTarget(runCtx, &r.wg, t)
	}
	if org := r.cfg.Organization.Get(); org != nil && r.cfg.LookupEvents {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.runOrganization(runCtx, org)
		}()
	}
	if r.cfg.LookupEvents {
		r.set.Logger.Info("Started polling CloudTrail", zap.Int("regions", len(r.regions)), zap.Int("accounts", len(r.cfg.Accounts)),
			zap.Strings("event_sources", r.cfg.EventSources), zap.Duration("poll_interval", r.cfg.PollInterval))
	}
	r.startSQS(runCtx, r.sqs)
	return nil
}

func (r *cloudtrailReceiver) openStore(ctx context.Context, host component.Host) (checkpoint.Store, error) {
	if r.cfg.Storage == nil {
		return checkpoint.NewMemoryStore(), nil
	}
	ext, ok := host.GetExtensions()[*r.cfg.Storage]
	if !ok {
		return nil, fmt.Errorf("storage: extension %q: %w", r.cfg.Storage, checkpoint.ErrNoStorage)
	}
	se, ok := ext.(storage.Extension)
	if !ok {
		return nil, fmt.Errorf("storage: extension %q: %w", r.cfg.Storage, checkpoint.ErrNoStorage)
	}
	client, err := se.GetClient(ctx, component.KindReceiver, r.set.ID, "")
	if err != nil {
		return nil, fmt.Errorf("storage: extension %q: %w", r.cfg.Storage, err)
	}
	r.storage = client
	return checkpoint.NewStorageStore(client), nil
}

// buildRegions prepares every region's AWS config from local files and variables only: no
// network I/O. Each region gets a config, and so a credentials cache, of its own: role_arn
// and web identity credentials come from that region's STS, so one region's STS failing
// blocks no other. Every account of every region shares one CloudTrail transport (a pool
// of connections per endpoint, up to max_concurrent_reads idle ones to each, and about
// as many in all), built from the first region's config: the regions' configs differ
// only by region, so the CA bundle and proxy settings are the same. Shutdown closes it.
// Likewise their STS and Organizations clients share the first region's HTTP client.
func (r *cloudtrailReceiver) buildRegions(ctx context.Context, store checkpoint.Store) error {
	base, err := r.streamSettings()
	if err != nil {
		return err
	}
	r.baseSettings = base
	regions, err := resolveRegions(ctx, r.cfg)
	if err != nil {
		return err
	}
	r.regions = r.regions[:0]
	var transport *http.Transport
	for _, region := range regions {
		var shared aws.HTTPClient
		if len(r.regions) > 0 {
			shared = r.regions[0].aws.HTTPClient
		}
		awsCfg, err := loadAWSConfigSharing(ctx, r.cfg, region, shared)
		if err != nil {
			return err
		}
		if transport == nil {
			transport = cloudtrail.NewTransport(awsCfg, r.cfg.MaxConcurrentReads)
		}
		r.regions = append(r.regions, regionRun{region: region, aws: awsCfg, store: store, base: base, transport: transport})
	}
	return nil
}

// Shutdown stops polling and waits for the streams. It is safe without Start and twice.
func (r *cloudtrailReceiver) Shutdown(ctx context.Context) error {
	if r.cancel != nil {
		r.stopping.Store(true)
		r.cancel()
		r.cancel = nil
		r.wg.Wait()
		r.set.Logger.Info("Stopped polling CloudTrail")
	}
	if len(r.regions) > 0 && r.regions[0].transport != nil {
		r.regions[0].transport.CloseIdleConnections() // every account-region using it has returned
	}
	r.tb.Shutdown()
	return r.closeStorage(ctx)
}

func (r *cloudtrailReceiver) closeStorage(ctx context.Context) error {
	if r.storage == nil {
		return nil
	}
	err := r.storage.Close(ctx)
	r.storage = nil
	return err
}
