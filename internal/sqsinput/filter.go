// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// Filter is the receiver's event filter (event_sources, event_names, read_only), the same
// for every input.
type Filter struct {
	// Sources keeps records of these event sources; nil keeps all ("*").
	Sources map[string]bool
	// Names keeps records of these event names; empty keeps all.
	Names    map[string]bool
	ReadOnly poll.ReadOnlyFilter
	// Excluded drops records of these event sources (exclude_event_sources).
	Excluded map[string]bool
}

// Exclude returns f that also drops the records of sources.
func (f Filter) Exclude(sources []string) Filter {
	if len(sources) == 0 {
		return f
	}
	f.Excluded = make(map[string]bool, len(sources))
	for _, s := range sources {
		f.Excluded[s] = true
	}
	return f
}

// NewFilter builds a Filter from the receiver's lists; "*" among sources keeps all.
func NewFilter(sources, names []string, readOnly poll.ReadOnlyFilter) Filter {
	f := Filter{ReadOnly: readOnly}
	if len(sources) > 0 {
		f.Sources = make(map[string]bool, len(sources))
		for _, s := range sources {
			if s == "*" {
				f.Sources = nil
				break
			}
			f.Sources[s] = true
		}
	}
	if len(names) > 0 {
		f.Names = make(map[string]bool, len(names))
		for _, n := range names {
			f.Names[n] = true
		}
	}
	return f
}

// Wants reports whether a record passes.
func (f Filter) Wants(info RecordInfo) bool {
	if (f.Sources != nil && !f.Sources[info.EventSource]) || f.Excluded[info.EventSource] {
		return false
	}
	if len(f.Names) > 0 && !f.Names[info.EventName] {
		return false
	}
	switch f.ReadOnly {
	case poll.ReadOnlyRead:
		return info.ReadOnly
	case poll.ReadOnlyWrite:
		return !info.ReadOnly
	}
	return true
}

// RecordInfo is what the filters and the de-duplication index need of a record.
type RecordInfo struct {
	EventID, EventSource, EventName string
	ReadOnly                        bool
}

// peeker reads RecordInfo with the shared tokenizer, matching keys as the translator
// does (exactly, else ignoring case). An Insights record, which has no top-level source
// or name, is matched by those of its insightDetails.
type peeker struct {
	p cjson.Parser
}

func (pk *peeker) peek(record []byte) (RecordInfo, error) {
	p := &pk.p
	defer p.Release()
	if err := p.Parse(string(record)); err != nil {
		return RecordInfo{}, err
	}
	top := p.Members(0)
	info := RecordInfo{
		EventID:     pk.str(top, "eventID"),
		EventSource: pk.str(top, "eventSource"),
		EventName:   pk.str(top, "eventName"),
	}
	if v := find(top, "readOnly"); v >= 0 {
		t := &p.Tape[v]
		info.ReadOnly = t.Kind == cjson.True || (t.Kind == cjson.String && p.Str(v) == "true")
	}
	if info.EventSource == "" || info.EventName == "" {
		if v := find(top, "insightDetails"); v >= 0 && p.Tape[v].Kind == cjson.Object {
			details := append([]cjson.Member(nil), p.Members(v)...)
			if info.EventSource == "" {
				info.EventSource = pk.str(details, "eventSource")
			}
			if info.EventName == "" {
				info.EventName = pk.str(details, "eventName")
			}
		}
	}
	return info, nil
}

// str is the string value of the member name, "" when absent or not a string.
func (pk *peeker) str(ms []cjson.Member, name string) string {
	v := find(ms, name)
	if v < 0 || pk.p.Tape[v].Kind != cjson.String {
		return ""
	}
	return pk.p.Str(v)
}

// find returns the value token of the member name (exact key first, then any case), or -1.
func find(ms []cjson.Member, name string) int {
	for _, m := range ms {
		if m.Key == name && m.Val != cjson.NoValue {
			return m.Val
		}
	}
	for _, m := range ms {
		if cjson.FoldEqual(m.Key, m.ASCII, name) && m.Val != cjson.NoValue {
			return m.Val
		}
	}
	return -1
}
