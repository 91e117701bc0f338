// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// streamSettings turns the config into the settings every stream shares.
func (r *cloudtrailReceiver) streamSettings() (poll.Settings, error) {
	start, err := parseStartAt(r.cfg.StartAt, r.now())
	if err != nil {
		return poll.Settings{}, err
	}
	var names map[string]bool
	if len(r.cfg.EventNames) > 0 {
		names = make(map[string]bool, len(r.cfg.EventNames))
		for _, n := range r.cfg.EventNames {
			names[n] = true
		}
	}
	set := poll.Settings{
		Redact:        r.redactor(),
		MaxEventDelay: r.cfg.MaxEventDelay,
		Start:         start,
		EventNames:    names,
		ReadOnly:      r.cfg.ReadOnly.filter(),
		Translate: translate.Options{
			Body:         r.cfg.Body.mode(),
			ScopeName:    metadata.ScopeName,
			ScopeVersion: r.set.BuildInfo.Version,
		},
	}
	if r.manyStreams() {
		set.TargetEvents, set.MaxEvents = manyStreamsTargetEvents, manyStreamsMaxEvents
		set.InitialSlice = manyStreamsInitialSlice
		set.ReadAgainOnSplit = true
	}
	return set, nil
}

// With more streams than max_concurrent_reads, the events in memory are the gate's places
// times a slice: slices then aim at 150 events instead of 1,000 (at most 375 before one is
// split). That costs about one more request per 150 events in a backfill, and nothing to
// a stream that reads less than a slice per poll. The first slice is 150 s instead of an
// hour (150 events at 1 event/s): a first slice that outgrows MaxEvents is split, and its
// newer part is held while the older part is read, so an hour of dense history (3,600
// events at 1 event/s) would hold 375 events plus a slice in every place for the whole
// backfill. A sparse history costs a few requests more, as slices grow eightfold per
// slice. And a slice that outgrows 375 events is read again in smaller slices instead of
// being split (poll.Settings.ReadAgainOnSplit): after an empty stretch (a start_at before
// the first event) the first dense slice is large, and split three deep it held 1,300
// events (TestDenseHistoryAfterAnEmptyStretchHoldsOneSlice) in every place at once; read
// again, it holds at most 375 and a page, for 8 pages read twice.
const (
	manyStreamsTargetEvents = 150
	manyStreamsMaxEvents    = 375
	manyStreamsInitialSlice = 150 * time.Second
)

// manyStreams reports whether the receiver may run more streams than max_concurrent_reads:
// always with organization discovery, else when accounts x regions x streams per region
// exceed it.
func (r *cloudtrailReceiver) manyStreams() bool {
	if r.cfg.Organization.Get() != nil {
		return true
	}
	perRegion := len(r.cfg.EventSources)
	if r.cfg.Insights {
		perRegion++
	}
	return max(len(r.cfg.Accounts), 1)*max(len(r.cfg.Regions), 1)*perRegion > r.cfg.MaxConcurrentReads
}

// redactor is the configured redaction; nil (no redact section) changes nothing.
func (r *cloudtrailReceiver) redactor() *redact.Redactor {
	rc := r.cfg.Redact.Get()
	if rc == nil {
		return nil
	}
	return redact.New(rc.Fields, rc.Action.action(), string(rc.HashKey))
}
