package translate

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// str parses the JSON string at p.pos. Strings of plain ASCII or valid UTF-8
// without escapes are taken as they are; the others are decoded by
// encoding/json, so escapes, surrogate pairs and invalid UTF-8 (each bad byte
// becomes U+FFFD) are handled exactly as encoding/json handles them.
func (p *parser) str() (string, error) {
	start := p.pos + 1
	escaped, nonASCII := false, false
	for i := start; i < len(p.data); {
		switch c := p.data[i]; {
		case c == '"':
			p.pos = i + 1
			raw := p.data[start:i]
			if !escaped && (!nonASCII || utf8.Valid(raw)) {
				return string(raw), nil
			}
			return p.decodeString(p.data[start-1 : i+1])
		case c == '\\':
			escaped = true
			i += 2
			continue
		case c < 0x20:
			p.pos = i
			return "", p.fail("control character in string")
		case c >= utf8.RuneSelf:
			nonASCII = true
		}
		i++
	}
	p.pos = len(p.data)
	return "", p.fail("unterminated string")
}

func (p *parser) decodeString(quoted []byte) (string, error) {
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return "", p.fail("invalid string: " + err.Error())
	}
	return s, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits consumes one or more digits; it reports whether there was one.
func (p *parser) digits() bool {
	start := p.pos
	for p.pos < len(p.data) && isDigit(p.data[p.pos]) {
		p.pos++
	}
	return p.pos > start
}

// number parses a JSON number (RFC 8259 grammar). An integral number that
// fits int64 becomes Int, so big integers keep every digit; any other number
// becomes Double. A number too large for float64 (1e400) is kept as its text
// in a string value rather than failing the record.
func (p *parser) number(dst pcommon.Value) error {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	if p.peek() == '0' {
		p.pos++
	} else if !p.digits() {
		return p.fail("invalid value")
	}
	integral := true
	if p.peek() == '.' {
		integral = false
		p.pos++
		if !p.digits() {
			return p.fail("invalid number: no digit after '.'")
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		integral = false
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if !p.digits() {
			return p.fail("invalid number: no digit in exponent")
		}
	}
	setNumber(dst, string(p.data[start:p.pos]), integral)
	return nil
}

func setNumber(dst pcommon.Value, text string, integral bool) {
	if integral {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			dst.SetInt(i)
			return
		}
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		dst.SetDouble(f)
		return
	}
	dst.SetStr(text)
}

// rawContainer keeps the object or array at p.pos, nested deeper than
// MaxDepth, as its JSON text. It is checked with json.Valid, which does not
// recurse on the Go stack.
func (p *parser) rawContainer(dst pcommon.Value) error {
	start := p.pos
	if err := p.skipContainer(); err != nil {
		return err
	}
	raw := p.data[start:p.pos]
	if !json.Valid(raw) {
		p.pos = start
		return p.fail("invalid JSON in a deeply nested value")
	}
	dst.SetStr(strings.ToValidUTF8(string(raw), "\uFFFD"))
	return nil
}

// skipContainer moves past the balanced brackets at p.pos, stepping over strings.
func (p *parser) skipContainer() error {
	level := 0
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '"':
			if _, err := p.str(); err != nil {
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
