// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package redact removes or hashes chosen fields of a CloudTrail record before it is
// translated, so that neither the body nor any attribute carries them.
//
// It reads the record with the translator's tokenizer (internal/cjson), so a field path
// matches every key the translator could map to it: keys are compared after their escapes
// are decoded ("source\u0049PAddress" is sourceIPAddress), ignoring case by the
// translator's rule (strings.EqualFold: "SourceIPAddress", and "ſourceIPAddress" with a
// long s, match too), every occurrence of a repeated key, at any depth, through arrays.
// It fails closed: a record it cannot read completely is not returned at all.
//
// The record's text is copied unchanged except for the objects on the way to a chosen
// field, which are written compact (white space between their members dropped).
package redact // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"strings"
	"sync"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// Action is what happens to a chosen field.
type Action int

const (
	// Drop removes the field (its key and value).
	Drop Action = iota
	// Hash replaces the field's value by a keyed hash of it: equal values stay equal, so
	// counts and joins still work, but the value is gone.
	Hash
)

// ParseAction reads "drop" or "hash".
func ParseAction(s string) (Action, error) {
	switch s {
	case "drop":
		return Drop, nil
	case "hash":
		return Hash, nil
	}
	return 0, fmt.Errorf("must be drop or hash, got %q", s)
}

var pathRE = regexp.MustCompile(`^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$`)

// ValidatePath checks a field path such as "userIdentity.accessKeyId".
func ValidatePath(p string) error {
	if !pathRE.MatchString(p) {
		return errors.New("must be a dotted path of CloudTrail field names, such as userIdentity.accessKeyId")
	}
	return nil
}

// HashPrefix starts every hashed value.
const HashPrefix = "redacted:"

// Redactor rewrites records. The zero value changes nothing. It is safe for concurrent
// use.
type Redactor struct {
	root   *node // nil: nothing configured
	action Action
	key    []byte
	pool   sync.Pool // of *rewriter
}

// node is a step of the configured paths: the keys below it that lead on (one child per
// key up to case folding) and whether a path ends here.
type node struct {
	name     string
	children []*node
	terminal bool
}

// child returns the child whose name key matches (decoded, ignoring case), or nil.
func (n *node) child(key string, ascii bool) *node {
	for _, c := range n.children {
		if cjson.FoldEqual(key, ascii, c.name) {
			return c
		}
	}
	return nil
}

// New returns a Redactor for paths (checked with ValidatePath). key keys the hash; with
// no key, values that are few (IP addresses, account IDs) could be found again by
// hashing every candidate.
func New(paths []string, action Action, key string) *Redactor {
	r := &Redactor{action: action, key: []byte(key)}
	for _, p := range paths {
		if r.root == nil {
			r.root = &node{}
		}
		n := r.root
		for _, name := range strings.Split(p, ".") {
			c := n.child(name, true)
			if c == nil {
				c = &node{name: name}
				n.children = append(n.children, c)
			}
			n = c
		}
		n.terminal = true
	}
	return r
}

// Enabled reports whether the Redactor changes anything.
func (r *Redactor) Enabled() bool { return r != nil && r.root != nil }

// MaxDepth bounds the nesting the redactor reads token by token. A chosen field could only
// hide deeper inside a record nested more than this (10,000, the limit of Go's
// encoding/json/v2): such a record is refused, not passed on.
const MaxDepth = 10000

// Error is a record the Redactor refused: it could not read the record completely, so it
// cannot tell that no chosen field is left in it. The record must be dropped.
type Error struct {
	// EventID is the record's eventID when it could be read before the error, else "".
	EventID string
	Err     error
}

func (e *Error) Error() string {
	if e.EventID != "" {
		return fmt.Sprintf("cloudtrail record %q cannot be redacted: %v", e.EventID, e.Err)
	}
	return fmt.Sprintf("cloudtrail record cannot be redacted: %v", e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

var errTooDeep = fmt.Errorf("a chosen field may be nested deeper than %d levels", MaxDepth)

// Record returns record with the chosen fields dropped or hashed. A record that is not
// exactly one well-formed JSON object, or that nests objects or arrays on the way to a
// chosen field deeper than MaxDepth, yields an *Error and no record: the caller drops it.
// With nothing configured, record is returned as it is.
func (r *Redactor) Record(record []byte) ([]byte, error) {
	if !r.Enabled() {
		return record, nil
	}
	w, _ := r.pool.Get().(*rewriter)
	if w == nil {
		w = &rewriter{r: r}
		w.p.MaxDepth = MaxDepth
	}
	defer func() {
		w.p.Release()
		w.out = nil
		r.pool.Put(w)
	}()
	if err := w.p.Parse(string(record)); err != nil {
		return nil, &Error{EventID: eventID(&w.p), Err: err}
	}
	w.out = make([]byte, 0, len(record)+len(record)/8)
	if err := w.value(0, r.root); err != nil {
		return nil, &Error{EventID: eventID(&w.p), Err: err}
	}
	return w.out, nil
}

// eventID reads the top-level eventID (by the translator's rule: exactly, else ignoring
// case) from what the parser read, for the log line of a refused record.
func eventID(p *cjson.Parser) string {
	if len(p.Tape) == 0 || p.Tape[0].Kind != cjson.Object {
		return ""
	}
	ms := p.Members(0)
	for pass := range 2 {
		for _, m := range ms {
			if (pass == 0 && m.Key == "eventID") || (pass == 1 && cjson.FoldEqual(m.Key, m.ASCII, "eventID")) {
				if m.Val != cjson.NoValue && p.Tape[m.Val].Kind == cjson.String {
					return p.Str(m.Val)
				}
			}
		}
	}
	return ""
}

// rewriter writes one record's redacted text from its tape. A pool keeps it, with its
// tape and hash, from record to record.
type rewriter struct {
	r   *Redactor
	p   cjson.Parser
	out []byte
	h   hash.Hash // of action Hash, keyed; made on first use
	sum []byte
	buf []byte // the text hashed
}

// value writes the value at token i; n is the path step it is at (nil: no chosen field
// lies below, the text is copied).
func (w *rewriter) value(i int, n *node) error {
	p := &w.p
	t := &p.Tape[i]
	if n == nil || len(n.children) == 0 {
		w.out = append(w.out, p.Text(i)...)
		return nil
	}
	switch t.Kind {
	case cjson.Object:
		return w.object(i, n)
	case cjson.Array:
		w.out = append(w.out, '[')
		for k, j := 0, i+1; k < int(t.N); k++ {
			if k > 0 {
				w.out = append(w.out, ',')
			}
			if err := w.value(j, n); err != nil { // arrays are transparent
				return err
			}
			j = p.Skip(j)
		}
		w.out = append(w.out, ']')
	case cjson.Raw:
		return errTooDeep
	default:
		w.out = append(w.out, p.Text(i)...)
	}
	return nil
}

// object writes the object at token i without the members chosen for Drop and with the
// values of those chosen for Hash replaced; every occurrence of a repeated key counts.
func (w *rewriter) object(i int, n *node) error {
	p := &w.p
	w.out = append(w.out, '{')
	wrote := false
	for k, j := 0, i+1; k < int(p.Tape[i].N); k++ {
		key, val := j, j+1
		j = p.Skip(val)
		kt := &p.Tape[key]
		c := n.child(p.Str(key), kt.Flags&(cjson.FlagNonASCII|cjson.FlagDecode) == 0)
		if c != nil && c.terminal && w.r.action == Drop {
			continue
		}
		if wrote {
			w.out = append(w.out, ',')
		}
		wrote = true
		w.out = append(w.out, p.Text(key)...)
		w.out = append(w.out, ':')
		if c != nil && c.terminal {
			w.appendHash(val)
			continue
		}
		if err := w.value(val, c); err != nil {
			return err
		}
	}
	w.out = append(w.out, '}')
	return nil
}

// appendHash appends the replacement of the value at token i: HashPrefix and 32 hex digits
// of the keyed hash of its JSON text. A string is hashed as its decoded text between
// quotes, so that escapes do not change the hash (and a string without escapes is hashed
// as its JSON text).
func (w *rewriter) appendHash(i int) {
	p := &w.p
	if w.h == nil {
		if len(w.r.key) > 0 {
			w.h = hmac.New(sha256.New, w.r.key)
		} else {
			w.h = sha256.New()
		}
	}
	w.h.Reset()
	if p.Tape[i].Kind == cjson.String {
		w.buf = append(append(append(w.buf[:0], '"'), p.Str(i)...), '"')
	} else {
		w.buf = append(w.buf[:0], p.Text(i)...)
	}
	w.h.Write(w.buf)
	w.out = append(w.out, '"')
	w.out = append(w.out, HashPrefix...)
	w.sum = w.h.Sum(w.sum[:0])
	w.out = hex.AppendEncode(w.out, w.sum[:16])
	w.out = append(w.out, '"')
}
