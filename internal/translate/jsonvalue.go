package translate

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// MaxDepth is the deepest nesting of JSON objects and arrays that is converted
// into nested pcommon maps and slices (the record's own object is level 1).
// A container that would be level MaxDepth+1 is not rejected: it is kept,
// syntax-checked, as its raw JSON text in a string value, so nothing of the
// record is lost and the conversion's recursion stays bounded.
const MaxDepth = 64

// syntaxError reports malformed JSON and the byte offset where it was noticed.
type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.offset, e.msg)
}

// A record is converted in two passes over one reusable buffer:
//
//  1. parse checks the JSON text and writes a tape: one token per value and
//     object key, in document order, each holding offsets into the text
//     (scalars) or its member count and extent (containers). Nothing is
//     allocated once the tape has grown to the size of the largest record.
//  2. The translator reads the fields it needs straight from the tape, and
//     build converts only the values that end up in the log record (the body
//     map, the map attributes) into pcommon values, each map and slice
//     allocated once at its final size. Strings are substrings of the record
//     text; only those with escapes or invalid UTF-8 are decoded into new
//     strings.

// tokenKind is the type of a tape token.
type tokenKind uint8

const (
	tokNull tokenKind = iota
	tokFalse
	tokTrue
	tokNumber
	tokString
	tokObject
	tokArray
	tokRaw // a container nested deeper than MaxDepth, kept as its JSON text
)

// Token flags.
const (
	// flagDecode: a string with escapes or invalid UTF-8, which must be
	// decoded; the others are their own text.
	flagDecode uint8 = 1 << iota
	// flagNonASCII: a string with bytes >= 0x80.
	flagNonASCII
	// flagIntegral: a number without fraction or exponent.
	flagIntegral
)

// tapeToken is one value or object key of the tape. An object is followed by
// its members, each a key (a string token) and then the value's tokens; an
// array by its elements' tokens.
type tapeToken struct {
	kind  tokenKind
	flags uint8
	// n is the number of members of an object or array.
	n int32
	// start and end delimit the text of a scalar (a string's without its
	// quotes) or of a raw container. For an object or array, end is the index
	// of the token after its last member (0 while it is being parsed).
	start, end int32
}

// parser checks one JSON text and writes its tape. It is reused from record
// to record. Object key order is kept on the tape; repeated keys are all on
// it (see membersOf and build for the last-one-wins rule).
type parser struct {
	data string
	pos  int
	tape []tapeToken
	// badUTF8 is set when a string held invalid UTF-8; outside strings,
	// every valid JSON text is ASCII.
	badUTF8 bool
	// members is scratch space for membersOf.
	members []member
}

// maxRecordSize bounds a record so that its text offsets and tape indexes
// (a record has fewer tokens than bytes) fit in an int32.
const maxRecordSize = math.MaxInt32

// i32 converts a text offset or tape index of a record parse accepted.
func i32(i int) int32 {
	return int32(i) //nolint:gosec // at most maxRecordSize, checked by parse
}

// parse checks that data is exactly one JSON object and writes its tape;
// the object is token 0. On a syntax error the tape holds what was read
// before it (containers still open have end 0).
func (p *parser) parse(data string) error {
	p.data, p.pos, p.tape, p.badUTF8 = data, 0, p.tape[:0], false
	p.skipWS()
	if p.peek() != '{' {
		return fmt.Errorf("record is not a JSON object: %s", describeStart(p.data[p.pos:]))
	}
	if len(data) > maxRecordSize {
		return fmt.Errorf("record is larger than %d bytes", maxRecordSize)
	}
	if err := p.value(0); err != nil {
		return err
	}
	p.skipWS()
	if p.pos != len(p.data) {
		return p.fail("unexpected data after the top-level object")
	}
	return nil
}

// parseObject converts data, which must hold exactly one JSON object, into
// dst. On a syntax error dst is left as it was.
func parseObject(data []byte, dst pcommon.Value) error {
	var p parser
	if err := p.parse(string(data)); err != nil {
		return err
	}
	p.build(0, dst)
	return nil
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
	return fmt.Sprintf("it is not JSON: it starts with %q", []byte(rest[:min(len(rest), 8)]))
}

func (p *parser) fail(msg string) error { return &syntaxError{msg: msg, offset: p.pos} }

func (p *parser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

func (p *parser) skipWS() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// push appends a token to the tape and returns its index. It stores the
// fields one by one: a token built on the stack and copied whole would be
// read back before its parts have reached memory, a store-forwarding stall.
func (p *parser) push(kind tokenKind, flags uint8, start, end int) int {
	n := len(p.tape)
	if n == cap(p.tape) {
		p.tape = append(p.tape, tapeToken{})
	} else {
		p.tape = p.tape[:n+1]
	}
	t := &p.tape[n]
	t.kind, t.flags, t.n, t.start, t.end = kind, flags, 0, i32(start), i32(end)
	return n
}

// value parses one JSON value; depth is the number of containers that
// enclose it.
func (p *parser) value(depth int) error {
	p.skipWS()
	switch c := p.peek(); c {
	case '{', '[':
		if depth >= MaxDepth {
			return p.rawContainer()
		}
		if c == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case '"':
		start, flags, err := p.scanString()
		if err == nil {
			p.push(tokString, flags, start, p.pos-1)
		}
		return err
	case 't':
		return p.literal("true", tokTrue)
	case 'f':
		return p.literal("false", tokFalse)
	case 'n':
		return p.literal("null", tokNull)
	case 0:
		if p.pos >= len(p.data) {
			return p.fail("unexpected end of input")
		}
	}
	return p.number()
}

func (p *parser) literal(lit string, kind tokenKind) error {
	if len(p.data)-p.pos < len(lit) || p.data[p.pos:p.pos+len(lit)] != lit {
		return p.fail("invalid literal")
	}
	p.pos += len(lit)
	p.push(kind, 0, 0, 0)
	return nil
}

func (p *parser) object(depth int) error {
	obj := p.push(tokObject, 0, 0, 0)
	p.pos++ // '{'
	p.skipWS()
	if p.peek() == '}' {
		p.pos++
		p.tape[obj].end = i32(len(p.tape))
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
		p.push(tokString, flags, start, end)
		p.tape[obj].n++
		if err := p.value(depth); err != nil {
			return err
		}
		if done, err := p.next('}'); done || err != nil {
			if done {
				p.tape[obj].end = i32(len(p.tape))
			}
			return err
		}
	}
}

func (p *parser) array(depth int) error {
	arr := p.push(tokArray, 0, 0, 0)
	p.pos++ // '['
	p.skipWS()
	if p.peek() == ']' {
		p.pos++
		p.tape[arr].end = i32(len(p.tape))
		return nil
	}
	for {
		p.tape[arr].n++
		if err := p.value(depth); err != nil {
			return err
		}
		if done, err := p.next(']'); done || err != nil {
			if done {
				p.tape[arr].end = i32(len(p.tape))
			}
			return err
		}
	}
}

// next consumes the ',' between members or the closing byte; done reports the latter.
func (p *parser) next(closing byte) (done bool, err error) {
	p.skipWS()
	switch p.peek() {
	case ',':
		p.pos++
		return false, nil
	case closing:
		p.pos++
		return true, nil
	case 0:
		if p.pos >= len(p.data) {
			return false, p.fail("unexpected end of input")
		}
	}
	return false, p.fail(fmt.Sprintf("expected ',' or '%c'", closing))
}

// rawContainer keeps the object or array at p.pos, nested deeper than
// MaxDepth, as its JSON text. It is checked with json.Valid, which does not
// recurse on the Go stack.
func (p *parser) rawContainer() error {
	start := p.pos
	if err := p.skipContainer(); err != nil {
		return err
	}
	if !json.Valid([]byte(p.data[start:p.pos])) {
		p.pos = start
		return p.fail("invalid JSON in a deeply nested value")
	}
	p.push(tokRaw, 0, start, p.pos)
	return nil
}

// skipContainer moves past the balanced brackets at p.pos, stepping over strings.
func (p *parser) skipContainer() error {
	level := 0
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
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

// skip returns the index of the token after the value at i (the end of the
// tape for a container still open when a syntax error stopped the parse).
func (p *parser) skip(i int) int {
	switch t := &p.tape[i]; t.kind {
	case tokObject, tokArray:
		if t.end == 0 {
			return len(p.tape)
		}
		return int(t.end)
	}
	return i + 1
}

// member is an object member as a pcommon.Map holds it.
type member struct {
	key   string
	ascii bool // key is plain ASCII (its text has no escapes and no byte >= 0x80)
	// val is the token index of the value; noValue when a syntax error
	// stopped the parse right after the key.
	val int
}

const noValue = -1

// membersOf returns the members of the object at token obj the way a
// pcommon.Map built from it holds them: each key once, at the place of its
// first occurrence, with the value of its last (see pcommon.Map.PutEmpty).
// The result is valid until the next call.
func (p *parser) membersOf(obj int) []member {
	ms := p.members[:0]
	var seen uint64 // a bit per key length mod 64, to skip most duplicate searches
	j := obj + 1
	for range p.tape[obj].n {
		kt := &p.tape[j]
		key := p.strAt(j)
		val := j + 1
		if val >= len(p.tape) {
			val = noValue
		} else {
			j = p.skip(val)
		}
		dup := -1
		if bit := uint64(1) << (len(key) & 63); seen&bit == 0 {
			seen |= bit
		} else {
			dup = findKey(ms, key)
		}
		if dup >= 0 {
			ms[dup].val = val
		} else {
			ms = append(ms, member{key: key, ascii: kt.flags&(flagNonASCII|flagDecode) == 0, val: val})
		}
		if val == noValue {
			break
		}
	}
	p.members = ms[:0]
	return ms
}

func findKey(ms []member, key string) int {
	for i := range ms {
		if ms[i].key == key {
			return i
		}
	}
	return -1
}

// isNull says whether the member has no value: JSON null, or nothing read.
func (p *parser) isNull(val int) bool {
	return val == noValue || p.tape[val].kind == tokNull
}

// build converts the value at token i into dst and returns the index of the
// token after it. null leaves dst as it is (empty).
func (p *parser) build(i int, dst pcommon.Value) int {
	t := &p.tape[i]
	switch t.kind {
	case tokObject:
		m := dst.SetEmptyMap()
		if t.n > 0 {
			m.EnsureCapacity(int(t.n))
		}
		j := i + 1
		for range t.n {
			j = p.build(j+1, m.PutEmpty(p.strAt(j)))
		}
		return j
	case tokArray:
		s := dst.SetEmptySlice()
		if t.n > 0 {
			s.EnsureCapacity(int(t.n))
		}
		j := i + 1
		for range t.n {
			j = p.build(j, s.AppendEmpty())
		}
		return j
	case tokString:
		dst.SetStr(p.strAt(i))
	case tokNumber:
		setNumber(dst, p.data[t.start:t.end], t.flags&flagIntegral != 0)
	case tokTrue:
		dst.SetBool(true)
	case tokFalse:
		dst.SetBool(false)
	case tokRaw:
		dst.SetStr(strings.ToValidUTF8(p.data[t.start:t.end], "\uFFFD"))
	}
	return i + 1
}
