package translate

import (
	"bytes"
	"fmt"

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

// parser converts JSON text straight into pcommon values, in one pass and
// without an intermediate map[string]any. Object key order is kept; for a
// repeated key the last value wins, as with encoding/json.
type parser struct {
	data []byte
	pos  int
}

// parseObject parses data, which must hold exactly one JSON object, into dst.
// On a syntax error dst holds what was converted before the error.
func parseObject(data []byte, dst pcommon.Value) error {
	p := parser{data: data}
	p.skipWS()
	if p.peek() != '{' {
		return fmt.Errorf("record is not a JSON object: %s", describeStart(p.data[p.pos:]))
	}
	if err := p.value(dst, 0); err != nil {
		return err
	}
	p.skipWS()
	if p.pos != len(p.data) {
		return p.fail("unexpected data after the top-level object")
	}
	return nil
}

func describeStart(rest []byte) string {
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
	case bytes.HasPrefix(rest, []byte("null")):
		return "it is null"
	case bytes.HasPrefix(rest, []byte("true")) || bytes.HasPrefix(rest, []byte("false")):
		return "it is a boolean"
	}
	return fmt.Sprintf("it is not JSON: it starts with %q", rest[:min(len(rest), 8)])
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

// value parses one JSON value into dst; depth is the number of containers
// that enclose it. JSON null leaves dst empty.
func (p *parser) value(dst pcommon.Value, depth int) error {
	p.skipWS()
	switch c := p.peek(); c {
	case '{', '[':
		if depth >= MaxDepth {
			return p.rawContainer(dst)
		}
		if c == '{' {
			return p.object(dst.SetEmptyMap(), depth+1)
		}
		return p.array(dst.SetEmptySlice(), depth+1)
	case '"':
		s, err := p.str()
		if err == nil {
			dst.SetStr(s)
		}
		return err
	case 't':
		return p.literal("true", func() { dst.SetBool(true) })
	case 'f':
		return p.literal("false", func() { dst.SetBool(false) })
	case 'n':
		return p.literal("null", func() {})
	case 0:
		if p.pos >= len(p.data) {
			return p.fail("unexpected end of input")
		}
	}
	return p.number(dst)
}

func (p *parser) literal(lit string, set func()) error {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return p.fail("invalid literal")
	}
	p.pos += len(lit)
	set()
	return nil
}

func (p *parser) object(m pcommon.Map, depth int) error {
	p.pos++ // '{'
	p.skipWS()
	if p.peek() == '}' {
		p.pos++
		return nil
	}
	for {
		p.skipWS()
		if p.peek() != '"' {
			return p.fail("expected a string as object key")
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		p.skipWS()
		if p.peek() != ':' {
			return p.fail("expected ':' after object key")
		}
		p.pos++
		if err := p.value(m.PutEmpty(key), depth); err != nil {
			return err
		}
		if done, err := p.next('}'); done || err != nil {
			return err
		}
	}
}

func (p *parser) array(s pcommon.Slice, depth int) error {
	p.pos++ // '['
	p.skipWS()
	if p.peek() == ']' {
		p.pos++
		return nil
	}
	for {
		if err := p.value(s.AppendEmpty(), depth); err != nil {
			return err
		}
		if done, err := p.next(']'); done || err != nil {
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
