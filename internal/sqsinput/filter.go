package sqsinput

import (
	"bytes"
	"errors"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// Filter is the receiver's event filter (event_sources, event_names, read_only), the same
// for every input.
type Filter struct {
	// Sources keeps records of these event sources; nil or "*" among them keeps all.
	Sources map[string]bool
	// Names keeps records of these event names; empty keeps all.
	Names    map[string]bool
	ReadOnly poll.ReadOnlyFilter
}

// NewFilter builds a Filter from the receiver's lists.
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

// Wants reports whether a record passes. An Insights record is matched by the source
// and name of its insightDetails.
func (f Filter) Wants(info RecordInfo) bool {
	if f.Sources != nil && !f.Sources[info.EventSource] {
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

// peeker reads RecordInfo from a record's top-level members (and insightDetails), reusing
// its decoder.
type peeker struct {
	r   bytes.Reader
	dec jsontext.Decoder
}

var errNotObject = errors.New("record is not a JSON object")

func (p *peeker) peek(record []byte) (RecordInfo, error) {
	var info RecordInfo
	p.r.Reset(record)
	p.dec.Reset(&p.r, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	if tok, err := p.dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return info, errNotObject
	}
	insight := RecordInfo{}
	for p.dec.PeekKind() != '}' {
		name, err := p.dec.ReadToken()
		if err != nil {
			return info, err
		}
		switch key := name.String(); {
		case key == "eventID" || key == "eventSource" || key == "eventName" || key == "readOnly":
			if err := p.scalar(key, &info); err != nil {
				return info, err
			}
		case key == "insightDetails" && p.dec.PeekKind() == '{':
			if err := p.insightDetails(&insight); err != nil {
				return info, err
			}
		default:
			if err := p.dec.SkipValue(); err != nil {
				return info, err
			}
		}
	}
	if info.EventSource == "" {
		info.EventSource = insight.EventSource
	}
	if info.EventName == "" {
		info.EventName = insight.EventName
	}
	return info, nil
}

func (p *peeker) scalar(key string, info *RecordInfo) error {
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '{', '[':
		// Not a scalar: skip the rest of it (the token read was its start).
		return p.skipRest()
	case '"':
		switch key {
		case "eventID":
			info.EventID = tok.String()
		case "eventSource":
			info.EventSource = tok.String()
		case "eventName":
			info.EventName = tok.String()
		case "readOnly":
			info.ReadOnly = tok.String() == "true"
		}
	case 't':
		info.ReadOnly = info.ReadOnly || key == "readOnly"
	}
	return nil
}

func (p *peeker) skipRest() error {
	depth := p.dec.StackDepth()
	for p.dec.StackDepth() >= depth {
		if _, err := p.dec.ReadToken(); err != nil {
			return err
		}
	}
	return nil
}

func (p *peeker) insightDetails(info *RecordInfo) error {
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	for p.dec.PeekKind() != '}' {
		name, err := p.dec.ReadToken()
		if err != nil {
			return err
		}
		if key := name.String(); key == "eventSource" || key == "eventName" {
			if err := p.scalar(key, info); err != nil {
				return err
			}
			continue
		}
		if err := p.dec.SkipValue(); err != nil {
			return err
		}
	}
	_, err := p.dec.ReadToken()
	return err
}
