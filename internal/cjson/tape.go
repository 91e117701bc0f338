// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package cjson is the one JSON tokenizer of the receiver: every reader of CloudTrail
// JSON (the translator, the redactor, the trail file and EventBridge readers) uses it, so
// they all agree on what a record holds: the same syntax, the same decoded keys, the same
// duplicate-key rule.
//
// A Parser checks one JSON text and writes a tape: one token per value and object key, in
// document order, each holding offsets into the text (scalars, and the extent of
// containers) and, for containers, their member count and the index of the token after
// them. Nothing is allocated once the tape has grown to the size of the largest text.
// Strings are substrings of the text; only those with escapes or invalid UTF-8 are decoded
// (exactly as encoding/json decodes them) into new strings.
package cjson // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// DefaultMaxDepth is the Parser's MaxDepth when it is zero.
const DefaultMaxDepth = 64

// SyntaxError reports malformed JSON and the byte offset where it was noticed.
type SyntaxError struct {
	Msg    string
	Offset int
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// Kind is the type of a tape token.
type Kind uint8

const (
	Null Kind = iota
	False
	True
	Number
	String
	Object
	Array
	// Raw is a container nested deeper than the Parser's MaxDepth, syntax-checked and
	// kept as its JSON text (Start, End).
	Raw
)

// Token flags.
const (
	// FlagDecode: a string with escapes or invalid UTF-8, which must be decoded; the
	// others are their own text.
	FlagDecode uint8 = 1 << iota
	// FlagNonASCII: a string with bytes >= 0x80.
	FlagNonASCII
	// FlagIntegral: a number without fraction or exponent.
	FlagIntegral
)

// Token is one value or object key of the tape. An object is followed by its members,
// each a key (a String token) and then the value's tokens; an array by its elements'
// tokens.
type Token struct {
	Kind  Kind
	Flags uint8
	// N is the number of members of an object or array.
	N int32
	// Start and End delimit the text of a scalar (a string's without its quotes) or of a
	// Raw container. For an object or array, Start is the offset of its opening bracket
	// and End the index of the token after its last member (0 while it is being parsed).
	Start, End int32
	// TextEnd is, for an object or array, the offset after its closing bracket.
	TextEnd int32
}

// Parser checks one JSON text and writes its tape. It is reused from text to text. Object
// key order is kept on the tape; repeated keys are all on it (see Members for the
// last-one-wins rule).
type Parser struct {
	// MaxDepth is the deepest nesting of objects and arrays put on the tape token by
	// token (the top-level value is level 1); a container deeper than that becomes one
	// Raw token. Zero means DefaultMaxDepth.
	MaxDepth int
	// Data is the text last parsed.
	Data string
	// Tape is the tape of Data.
	Tape []Token
	// BadUTF8 is set when a string held invalid UTF-8; outside strings, every valid JSON
	// text is ASCII.
	BadUTF8 bool

	pos      int
	maxDepth int
	// members is scratch space for Members.
	members []Member
}

// maxTextSize bounds a text so that its offsets and tape indexes (a text has fewer
// tokens than bytes) fit in an int32.
const maxTextSize = math.MaxInt32

// i32 converts a text offset or tape index of a text Parse accepted.
func i32(i int) int32 {
	return int32(i) //nolint:gosec // at most maxTextSize, checked by Parse
}

// Parse checks that data is exactly one JSON object and writes its tape; the object is
// token 0. On a syntax error the tape holds what was read before it (containers still
// open have End 0).
func (p *Parser) Parse(data string) error {
	p.Data, p.pos, p.Tape, p.BadUTF8 = data, 0, p.Tape[:0], false
	p.maxDepth = p.MaxDepth
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	p.skipWS()
	if p.peek() != '{' {
		return fmt.Errorf("record is not a JSON object: %s", describeStart(p.Data[p.pos:]))
	}
	if len(data) > maxTextSize {
		return fmt.Errorf("record is larger than %d bytes", maxTextSize)
	}
	if err := p.value(0); err != nil {
		return err
	}
	p.skipWS()
	if p.pos != len(p.Data) {
		return p.fail("unexpected data after the top-level object")
	}
	return nil
}

// Release drops the references to the last text and its decoded keys.
func (p *Parser) Release() {
	p.Data = ""
	clear(p.members[:cap(p.members)])
}

func describeStart(rest string) string {
	if len(rest) == 0 {
		return "the input is empty"
	}
	switch c := rest[0]; {
	case c == '[':
		return "it is an array"
	case c == '"':
		return "it is a string"
	case c == '-' || isDigit(c):
		return "it is a number"
	case strings.HasPrefix(rest, "null"):
		return "it is null"
	case strings.HasPrefix(rest, "true") || strings.HasPrefix(rest, "false"):
		return "it is a boolean"
	}
	// Only the first byte: the message is logged, and the text may hold a secret.
	return fmt.Sprintf("it is not JSON: it starts with byte 0x%02x", rest[0])
}

func (p *Parser) fail(msg string) error { return &SyntaxError{Msg: msg, Offset: p.pos} }

func (p *Parser) peek() byte {
	if p.pos < len(p.Data) {
		return p.Data[p.pos]
	}
	return 0
}

func (p *Parser) skipWS() {
	for p.pos < len(p.Data) {
		switch p.Data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// push appends a token to the tape and returns its index. It stores the fields one by
// one: a token built on the stack and copied whole would be read back before its parts
// have reached memory, a store-forwarding stall.
func (p *Parser) push(kind Kind, flags uint8, start, end int) int {
	n := len(p.Tape)
	if n == cap(p.Tape) {
		p.Tape = append(p.Tape, Token{})
	} else {
		p.Tape = p.Tape[:n+1]
	}
	t := &p.Tape[n]
	t.Kind, t.Flags, t.N, t.Start, t.End, t.TextEnd = kind, flags, 0, i32(start), i32(end), 0
	return n
}

// value parses one JSON value; depth is the number of containers that enclose it.
func (p *Parser) value(depth int) error {
	p.skipWS()
	switch c := p.peek(); c {
	case '{', '[':
		if depth >= p.maxDepth {
			return p.rawContainer()
		}
		if c == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case '"':
		start, flags, err := p.scanString()
		if err == nil {
			p.push(String, flags, start, p.pos-1)
		}
		return err
	case 't':
		return p.literal("true", True)
	case 'f':
		return p.literal("false", False)
	case 'n':
		return p.literal("null", Null)
	case 0:
		if p.pos >= len(p.Data) {
			return p.fail("unexpected end of input")
		}
	}
	return p.number()
}

func (p *Parser) literal(lit string, kind Kind) error {
	if len(p.Data)-p.pos < len(lit) || p.Data[p.pos:p.pos+len(lit)] != lit {
		return p.fail("invalid literal")
	}
	p.push(kind, 0, p.pos, p.pos+len(lit))
	p.pos += len(lit)
	return nil
}

// close records the end of the container at token c, whose closing bracket was just
// consumed.
func (p *Parser) close(c int) {
	t := &p.Tape[c]
	t.End, t.TextEnd = i32(len(p.Tape)), i32(p.pos)
}

func (p *Parser) object(depth int) error {
	obj := p.push(Object, 0, p.pos, 0)
	p.pos++ // '{'
	p.skipWS()
	if p.peek() == '}' {
		p.pos++
		p.close(obj)
		return nil
	}
	for {
		p.skipWS()
		if p.peek() != '"' {
			return p.fail("expected a string as object key")
		}
		start, flags, err := p.scanString()
		if err != nil {
			return err
		}
		end := p.pos - 1
		p.skipWS()
		if p.peek() != ':' {
			return p.fail("expected ':' after object key")
		}
		p.pos++
		p.push(String, flags, start, end)
		p.Tape[obj].N++
		if err := p.value(depth); err != nil {
			return err
		}
		if done, err := p.next('}'); done || err != nil {
			if done {
				p.close(obj)
			}
			return err
		}
	}
}

func (p *Parser) array(depth int) error {
	arr := p.push(Array, 0, p.pos, 0)
	p.pos++ // '['
	p.skipWS()
	if p.peek() == ']' {
		p.pos++
		p.close(arr)
		return nil
	}
	for {
		p.Tape[arr].N++
		if err := p.value(depth); err != nil {
			return err
		}
		if done, err := p.next(']'); done || err != nil {
			if done {
				p.close(arr)
			}
			return err
		}
	}
}

// next consumes the ',' between members or the closing byte; done reports the latter.
func (p *Parser) next(closing byte) (done bool, err error) {
	p.skipWS()
	switch p.peek() {
	case ',':
		p.pos++
		return false, nil
	case closing:
		p.pos++
		return true, nil
	case 0:
		if p.pos >= len(p.Data) {
			return false, p.fail("unexpected end of input")
		}
	}
	return false, p.fail(fmt.Sprintf("expected ',' or '%c'", closing))
}

// rawContainer keeps the object or array at p.pos, nested deeper than MaxDepth, as its
// JSON text. It is checked with json.Valid, which does not recurse on the Go stack.
func (p *Parser) rawContainer() error {
	start := p.pos
	if err := p.skipContainer(); err != nil {
		return err
	}
	if !json.Valid([]byte(p.Data[start:p.pos])) {
		p.pos = start
		return p.fail("invalid JSON in a deeply nested value")
	}
	p.push(Raw, 0, start, p.pos)
	return nil
}

// skipContainer moves past the balanced brackets at p.pos, stepping over strings.
func (p *Parser) skipContainer() error {
	level := 0
	for p.pos < len(p.Data) {
		switch p.Data[p.pos] {
		case '"':
			if _, _, err := p.scanString(); err != nil {
				return err
			}
			continue
		case '{', '[':
			level++
		case '}', ']':
			level--
			if level == 0 {
				p.pos++
				return nil
			}
		}
		p.pos++
	}
	return p.fail("unexpected end of input")
}

// Skip returns the index of the token after the value at i (the end of the tape for a
// container still open when a syntax error stopped the parse).
func (p *Parser) Skip(i int) int {
	switch t := &p.Tape[i]; t.Kind {
	case Object, Array:
		if t.End == 0 {
			return len(p.Tape)
		}
		return int(t.End)
	}
	return i + 1
}

// Text returns the JSON text of the complete value at token i, exactly as it is in Data
// (a string with its quotes).
func (p *Parser) Text(i int) string {
	switch t := &p.Tape[i]; t.Kind {
	case Object, Array:
		return p.Data[t.Start:t.TextEnd]
	case String:
		return p.Data[t.Start-1 : t.End+1]
	default:
		return p.Data[t.Start:t.End]
	}
}

// Member is an object member as a pcommon.Map holds it.
type Member struct {
	Key   string
	ASCII bool // Key is plain ASCII (its text has no escapes and no byte >= 0x80)
	// Val is the token index of the value; NoValue when a syntax error stopped the parse
	// right after the key.
	Val int
}

// NoValue is the Val of a member whose value was not read.
const NoValue = -1

// Members returns the members of the object at token obj the way a pcommon.Map built
// from it holds them: each key once, at the place of its first occurrence, with the value
// of its last (see pcommon.Map.PutEmpty). The result is valid until the next call.
func (p *Parser) Members(obj int) []Member {
	ms := p.members[:0]
	var seen [2]uint64 // a bit per keyBit of the keys so far, to skip most duplicate searches
	j := obj + 1
	for range p.Tape[obj].N {
		kt := &p.Tape[j]
		key := p.Str(j)
		val := j + 1
		if val >= len(p.Tape) {
			val = NoValue
		} else {
			j = p.Skip(val)
		}
		dup := -1
		if w, bit := keyBit(key); seen[w]&bit == 0 {
			seen[w] |= bit
		} else {
			dup = findKey(ms, key)
		}
		if dup >= 0 {
			ms[dup].Val = val
		} else {
			ms = append(ms, Member{Key: key, ASCII: kt.Flags&(FlagNonASCII|FlagDecode) == 0, Val: val})
		}
		if val == NoValue {
			break
		}
	}
	p.members = ms[:0]
	return ms
}

// keyBit is a bit of a 128-bit set (word w) that depends on key's length and its first
// and last bytes: equal keys have the same bit, and the keys of a CloudTrail object
// seldom share one.
func keyBit(key string) (w int, bit uint64) {
	h := uint(len(key))
	if h > 0 {
		h = h*31 + uint(key[0])*7 + uint(key[len(key)-1])
	}
	return int(h>>6) & 1, 1 << (h & 63)
}

func findKey(ms []Member, key string) int {
	for i := range ms {
		if ms[i].Key == key {
			return i
		}
	}
	return -1
}

// IsNull says whether the member has no value: JSON null, or nothing read.
func (p *Parser) IsNull(val int) bool {
	return val == NoValue || p.Tape[val].Kind == Null
}

// FoldEqual is strings.EqualFold(key, name) for an ASCII name: the one case rule by which
// every reader matches a record's keys to field names. An ASCII key can only match a name
// of its length; a key with other bytes can be shorter or longer (the Kelvin sign folds to
// 'k', 'ſ' to 's').
func FoldEqual(key string, ascii bool, name string) bool {
	return (!ascii || len(key) == len(name)) && strings.EqualFold(key, name)
}
