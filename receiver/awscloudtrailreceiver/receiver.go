package awscloudtrailreceiver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

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

	// Test seams.
	now   func() time.Time
	timer poll.Timer

	streams []*poll.Stream
	sqs     *sqsinput.Input
	dedupe  *dedupe.Index
	closers []func()
	storage storage.Client
	status  *statusTracker
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func newReceiver(set receiver.Settings, cfg *Config, next consumer.Logs) (*cloudtrailReceiver, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &cloudtrailReceiver{cfg: cfg, set: set, next: next, tb: tb, now: time.Now}, nil
}

// Start builds the streams and starts polling in the background. It does no network I/O:
// credentials are resolved and the checkpoint is read by the first poll.
func (r *cloudtrailReceiver) Start(ctx context.Context, host component.Host) error {
	store, err := r.openStore(ctx, host)
	if err != nil {
		return err
	}
	if r.cfg.LookupEvents {
		if err := r.buildStreams(ctx, store); err != nil {
			return errors.Join(err, r.closeStorage(ctx))
		}
	}
	if r.sqs, err = r.buildSQS(ctx); err != nil {
		return errors.Join(err, r.closeStorage(ctx))
	}
	if err := r.tb.RegisterReceiverAwscloudtrailCheckpointLagCallback(r.observeLag); err != nil {
		return errors.Join(err, r.closeStorage(ctx))
	}
	r.status = newStatusTracker(host, r.set.Logger)
	runCtx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	for _, s := range r.streams {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			s.Run(runCtx, r.cfg.PollInterval, r.timer, func(err error) { r.status.report(s.String(), err) })
		}()
	}
	if r.cfg.LookupEvents {
		r.set.Logger.Info("Started polling CloudTrail", zap.Int("streams", len(r.streams)),
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

func (r *cloudtrailReceiver) buildStreams(ctx context.Context, store checkpoint.Store) error {
	base, err := r.streamSettings()
	if err != nil {
		return err
	}
	// The AWS config is read once; every region gets a copy, so all regions share one
	// credentials cache (one AssumeRole, not one per region).
	regions := r.cfg.Regions
	first := ""
	if len(regions) > 0 {
		first = regions[0]
	}
	awsBase, err := loadAWSConfig(ctx, r.cfg, first)
	if err != nil {
		return err
	}
	if len(regions) == 0 {
		if awsBase.Region == "" {
			return errors.New("regions: not set, and no region in the AWS config or environment (AWS_REGION)")
		}
		regions = []string{awsBase.Region}
	}
	for _, region := range regions {
		awsCfg := awsBase.Copy()
		awsCfg.Region = region
		api, closeIdle := cloudtrail.NewSDKClient(awsCfg, cloudtrail.SDKOptions{
			Endpoint: r.cfg.Endpoint,
			Limiter:  cloudtrail.SharedLimiters.Get(limiterKey(r.cfg, region), r.cfg.RequestsPerSecond),
			Observe:  r.observeAttempt(region),
		})
		r.closers = append(r.closers, closeIdle)
		client := cloudtrail.NewClient(api)
		for _, source := range r.cfg.EventSources {
			set := base
			set.Region, set.EventSource = region, source
			r.streams = append(r.streams, poll.NewStream(set, poll.Deps{
				Source: client, Next: r.next, Store: store, Logger: r.set.Logger,
				Metrics: r.streamMetrics(region, source), Now: r.now,
			}))
		}
	}
	return nil
}

// Shutdown stops polling and waits for the streams. It is safe without Start and twice.
func (r *cloudtrailReceiver) Shutdown(ctx context.Context) error {
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
		r.wg.Wait()
		r.set.Logger.Info("Stopped polling CloudTrail")
	}
	for _, closeIdle := range r.closers {
		closeIdle()
	}
	r.closers = nil
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
