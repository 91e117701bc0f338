// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// ReadOnlyFilter selects events by their readOnly flag.
type ReadOnlyFilter int

const (
	// ReadOnlyAll keeps every event.
	ReadOnlyAll ReadOnlyFilter = iota
	// ReadOnlyRead keeps read-only events.
	ReadOnlyRead
	// ReadOnlyWrite keeps events that are not read-only.
	ReadOnlyWrite
)

// Settings describe one stream.
type Settings struct {
	// Account is the account ID the stream's credentials belong to (sts:GetCallerIdentity).
	Account string
	Region  string
	// EventSource is the source polled, or "*" (cloudtrail.AllSources) for every source.
	EventSource string
	// Category "insight" polls Insights events instead of management events.
	Category string
	// ExcludeSources drops the events of these sources (client-side), like the filters.
	ExcludeSources map[string]bool
	MaxEventDelay  time.Duration
	// Start is where a stream without a checkpoint begins.
	Start      time.Time
	EventNames map[string]bool // empty keeps every name
	ReadOnly   ReadOnlyFilter
	Translate  translate.Options
	// Redact rewrites every record before translation; nil changes nothing.
	Redact *redact.Redactor

	// Slicing. Zero values take the defaults below.
	InitialSlice     time.Duration
	MinSlice         time.Duration
	MaxSlice         time.Duration
	TargetEvents     int // events a slice aims to hold
	MaxEvents        int // a slice that grows past this is cut and read again, smaller
	MaxOverlapEvents int // see Stream.plan
	// ReadAgainOnSplit: a slice that outgrows MaxEvents is read again, whole, in smaller
	// slices, instead of holding the newer part it read while its older part is read. Its
	// newer pages are then read twice (at most MaxEvents / 50 pages more), and a stream
	// holds at most MaxEvents and a page, not that at each of maxSplitDepth levels. The
	// receiver sets it when it runs more streams than places: after an empty stretch a
	// slice grows eightfold per slice, and the first dense slice then split three deep.
	ReadAgainOnSplit bool
}

const (
	defaultInitialSlice     = time.Hour
	defaultMinSlice         = time.Second
	defaultMaxSlice         = 7 * 24 * time.Hour
	defaultTargetEvents     = 1000
	defaultMaxEvents        = 2500
	defaultMaxOverlapEvents = 2500
)

func (s Settings) withDefaults() Settings {
	setDur(&s.InitialSlice, defaultInitialSlice)
	setDur(&s.MinSlice, defaultMinSlice)
	setDur(&s.MaxSlice, defaultMaxSlice)
	setInt(&s.TargetEvents, defaultTargetEvents)
	setInt(&s.MaxEvents, defaultMaxEvents)
	setInt(&s.MaxOverlapEvents, defaultMaxOverlapEvents)
	return s
}

func setDur(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}

func setInt(n *int, def int) {
	if *n <= 0 {
		*n = def
	}
}

// CheckpointKey names the stream's checkpoint in storage: the account ID, the region and
// the event source, never the configuration that reaches them.
func (s Settings) CheckpointKey() string {
	return "awscloudtrail/v2/" + s.Account + "/" + s.Region + "/" + s.Name()
}

// Name names the stream within its account-region: the event source, "*" for all, and
// "insight/*" for Insights events.
func (s Settings) Name() string {
	if s.Category != "" {
		return s.Category + "/" + s.EventSource
	}
	return s.EventSource
}

// LegacyCheckpointKey is where releases before account-keyed checkpoints kept the
// stream's checkpoint: without the account.
func (s Settings) LegacyCheckpointKey() string {
	return "awscloudtrail/v1/" + s.Region + "/" + s.EventSource
}

func (s Settings) wants(e *cloudtrail.Event) bool {
	name, readOnly := e.Name, e.ReadOnly
	if s.ExcludeSources[e.Source] {
		return false
	}
	if len(s.EventNames) > 0 && !s.EventNames[name] {
		return false
	}
	switch s.ReadOnly {
	case ReadOnlyRead:
		return readOnly == "true"
	case ReadOnlyWrite:
		return readOnly != "true"
	default:
		return true
	}
}

type nopMetrics struct{}

func (nopMetrics) Emitted(_ context.Context, _ int)     {}
func (nopMetrics) Duplicates(_ context.Context, _ int)  {}
func (nopMetrics) Malformed(_ context.Context, _ int)   {}
func (nopMetrics) Refused(_ context.Context, _ int)     {}
func (nopMetrics) CheckpointSaveFailed(context.Context) {}
