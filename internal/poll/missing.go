// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// fillMissing completes, from the record, the events that came without a member this
// stream needs (every member of a LookupEvents result is optional: the SDK gives "" and
// a zero time). The ID is the record's eventID, else a hash of the record: without one,
// events would be taken for one another and lost. The time is the record's eventTime
// when it lies in q, else q's end, the latest time q can have matched them at: their
// IDs then stay among the seen ones as long as a query can return them again. The
// filters' members (name, readOnly, source) are read when a filter looks at them.
func (s *Stream) fillMissing(events []cloudtrail.Event, q cloudtrail.Query) {
	for i := range events {
		e := &events[i]
		if !s.lacks(e) {
			continue
		}
		r := readRecord(e.Record)
		if e.ID == "" {
			e.ID = r.id
			if e.ID == "" {
				sum := sha256.Sum256([]byte(e.Record))
				e.ID = "record-sha256:" + hex.EncodeToString(sum[:16])
			}
		}
		if e.Time.IsZero() {
			e.Time = q.End
			if r.timeOK && !r.time.Before(q.Start) && !r.time.After(q.End) {
				e.Time = r.time
			}
		}
		e.Name = cmp.Or(e.Name, r.name)
		e.ReadOnly = cmp.Or(e.ReadOnly, r.readOnly)
		e.Source = cmp.Or(e.Source, r.source)
	}
}

// lacks reports whether e misses a member the stream uses.
func (s *Stream) lacks(e *cloudtrail.Event) bool {
	return e.ID == "" || e.Time.IsZero() ||
		(e.Name == "" && len(s.set.EventNames) > 0) ||
		(e.ReadOnly == "" && s.set.ReadOnly != ReadOnlyAll) ||
		(e.Source == "" && len(s.set.ExcludeSources) > 0)
}

// recordFields are the members of a record that a LookupEvents result repeats.
type recordFields struct {
	id, name, readOnly, source string
	time                       time.Time
	timeOK                     bool
}

// readRecord reads a record's top-level members by the translator's rule (exactly, else
// ignoring case); readOnly as LookupEvents gives it ("true" or "false").
func readRecord(record string) recordFields {
	var p cjson.Parser
	defer p.Release()
	var r recordFields
	if p.Parse(record) != nil || len(p.Tape) == 0 || p.Tape[0].Kind != cjson.Object {
		return r
	}
	ms := p.Members(0)
	member := func(name string) int {
		for pass := range 2 {
			for _, m := range ms {
				if (pass == 0 && m.Key == name) || (pass == 1 && cjson.FoldEqual(m.Key, m.ASCII, name)) {
					return m.Val
				}
			}
		}
		return cjson.NoValue
	}
	str := func(name string) string {
		if v := member(name); v != cjson.NoValue && p.Tape[v].Kind == cjson.String {
			return strings.Clone(p.Str(v))
		}
		return ""
	}
	r.id, r.name, r.source = str("eventID"), str("eventName"), str("eventSource")
	if t := str("eventTime"); t != "" {
		r.time, r.timeOK = translate.ParseEventTime(t)
	}
	switch v := member("readOnly"); {
	case v == cjson.NoValue:
	case p.Tape[v].Kind == cjson.True:
		r.readOnly = "true"
	case p.Tape[v].Kind == cjson.False:
		r.readOnly = "false"
	case p.Tape[v].Kind == cjson.String:
		r.readOnly = strings.Clone(p.Str(v))
	}
	return r
}
