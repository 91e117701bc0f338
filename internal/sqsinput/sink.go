// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// sink filters, de-duplicates, redacts and translates records into a batch, and hands
// the batch to the pipeline.
type sink struct {
	in      *Input
	ctx     context.Context
	batch   *translate.Batch
	ids     []string
	pending map[string]bool // IDs in the batch, not yet in the index
	bytes   int             // the JSON text of the records in the batch
	p       peeker
}

func (in *Input) newSink(ctx context.Context) *sink {
	return &sink{in: in, ctx: ctx, batch: translate.NewBatch(in.set.Translate), pending: make(map[string]bool)}
}

// add takes one record (its bytes are copied).
func (s *sink) add(record []byte, observed time.Time) {
	m := s.in.deps.Metrics
	info, err := s.p.peek(record)
	if err != nil {
		m.Records(s.ctx, "malformed", 1)
		s.in.deps.Logger.Debug("Skipping malformed CloudTrail record", zap.Error(err))
		return
	}
	if !s.in.set.Filter.Wants(info) {
		m.Records(s.ctx, "filtered", 1)
		return
	}
	if info.EventID != "" && (s.pending[info.EventID] || s.in.deps.Dedupe.Contains(info.EventID)) {
		m.Records(s.ctx, "duplicate", 1)
		return
	}
	if s.in.set.Redact.Enabled() {
		// Redaction fails closed: a record it cannot read is dropped, never exported
		// unredacted.
		if record, err = s.in.set.Redact.Record(record); err != nil {
			m.Records(s.ctx, "redaction_dropped", 1)
			s.in.deps.Logger.Debug("Dropping a CloudTrail record redaction cannot read", zap.String("event_id", info.EventID), zap.Error(err))
			return
		}
	}
	if err := s.batch.Add(record, time.Time{}, observed); err != nil {
		m.Records(s.ctx, "malformed", 1)
		s.in.deps.Logger.Debug("Skipping malformed CloudTrail record", zap.String("event_id", info.EventID), zap.Error(err))
		return
	}
	s.ids = append(s.ids, info.EventID)
	s.bytes += len(record)
	if info.EventID != "" {
		s.pending[info.EventID] = true
	}
}

// flush delivers the batch. Records the pipeline accepted go into the index; a refusal
// that is not permanent is returned (the message is tried again).
func (s *sink) flush() error {
	n := s.batch.Len()
	if n == 0 {
		return nil
	}
	logs := s.batch.Logs()
	ids := s.ids
	s.ids, s.bytes = nil, 0
	clear(s.pending)
	res, accepted, err := deliverLogs(s.ctx, s.in.deps.Next, logs)
	if len(res.Dropped) > 0 {
		s.in.deps.Metrics.Records(s.ctx, "dropped", len(res.Dropped))
		s.in.deps.Logger.Warn("Pipeline refused CloudTrail records for good; dropped",
			zap.Strings("event_ids", res.Dropped), zap.Error(res.Cause))
	}
	s.in.deps.Metrics.Records(s.ctx, "emitted", res.Delivered)
	if err != nil {
		// What the pipeline accepted before refusing the rest for now goes into the index,
		// so the message's next delivery does not emit it again. (The index keeps the IDs
		// as read before redaction: a redacted eventID matches none, and those records may
		// come again, as at-least-once allows.)
		s.in.deps.Dedupe.Add(intersect(ids, accepted)...)
		return fmt.Errorf("%w (%d records): %w", errRefused, n, err)
	}
	s.in.deps.Dedupe.Add(res.Accepted(ids)...) // what was refused for good was not emitted
	return nil
}

// intersect returns the IDs of ids that are in of.
func intersect(ids, of []string) []string {
	in := make(map[string]bool, len(of))
	for _, id := range of {
		in[id] = true
	}
	var out []string
	for _, id := range ids {
		if in[id] {
			out = append(out, id)
		}
	}
	return out
}
