// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"encoding/json"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// plainStringByte marks the bytes that a JSON string holds as they are:
// ASCII from 0x20 up, but for '"' and '\\'.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// load64 is the eight bytes of s from i, the first in the lowest byte (the compiler makes
// it one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// specialBytes has the high bit of a byte of x set if that byte is one plainStringByte
// rejects ('"', '\\', below 0x20, from 0x80), or if a lower byte is; its lowest set bit
// is in the first such byte. Zero: the eight bytes are all plain.
func specialBytes(x uint64) uint64 {
	below := x - 0x20*ones
	quote := (x ^ '"'*ones) - ones
	backslash := (x ^ '\\'*ones) - ones
	return (below | quote | backslash | x) & highs
}

// scanString checks the JSON string at p.pos and moves past it. It returns
// the offset of the string's contents (which end before p.pos-1) and its
// flags. The string is checked as encoding/json checks it: control
// characters and malformed escapes are errors, invalid UTF-8 is not (it is
// decoded as U+FFFD, see strAt). Every byte is looked at once.
func (p *Parser) scanString() (start int, flags uint8, err error) {
	data := p.Data
	start = p.pos + 1
	badEscape := false
	for i := start; i < len(data); {
		// Eight bytes at a time while none of them needs a look.
		for i+8 <= len(data) {
			special := specialBytes(load64(data, i))
			if special == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(special) / 8
			break
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		if plainStringByte[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			p.pos = i + 1
			if badEscape {
				return 0, 0, p.invalidString(data[start-1 : i+1])
			}
			return start, flags, nil
		case c == '\\':
			flags |= FlagDecode
			if !validEscape(data, i+1) {
				badEscape = true // reported at the closing quote, as encoding/json would
			}
			i += 2
		case c < 0x20:
			p.pos = i
			return 0, 0, p.fail("control character in string")
		default:
			flags |= FlagNonASCII
			r, size := utf8.DecodeRuneInString(data[i:])
			if r == utf8.RuneError && size == 1 {
				flags |= FlagDecode
				p.BadUTF8 = true
			}
			i += size
		}
	}
	p.pos = len(data)
	return 0, 0, p.fail("unterminated string")
}

// validEscape says whether the escape whose letter is at s[j] is one JSON
// allows: \" \\ \/ \b \f \n \r \t or \u and four hex digits.
func validEscape(s string, j int) bool {
	if j >= len(s) {
		return false
	}
	switch s[j] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return true
	case 'u':
		if len(s)-j < 5 {
			return false
		}
		for k := j + 1; k < j+5; k++ {
			if hexValue(s[k]) < 0 {
				return false
			}
		}
		return true
	}
	return false
}

// invalidString reports a string with a malformed escape, with the words of
// encoding/json.
func (p *Parser) invalidString(quoted string) error {
	var s string
	msg := "malformed escape"
	if err := json.Unmarshal([]byte(quoted), &s); err != nil {
		msg = err.Error()
	}
	return p.fail("invalid string: " + msg)
}

// Str returns the string of the string token at i: its text, or for one
// with escapes or invalid UTF-8, the text decoded exactly as encoding/json
// decodes it.
func (p *Parser) Str(i int) string {
	t := &p.Tape[i]
	s := p.Data[t.Start:t.End]
	if t.Flags&FlagDecode == 0 {
		return s
	}
	return Unquote(s)
}

// Unquote decodes the contents of a JSON string that scanString accepted.
// It follows encoding/json's unquote: each invalid UTF-8 byte and each lone
// surrogate escape becomes U+FFFD.
func Unquote(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			r++
			switch s[r] {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				rr := getu4(s[r-1:])
				r += 5
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						r += 6
						b.WriteRune(dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				b.WriteRune(rr)
				continue
			default: // '"', '\\', '/'
				b.WriteByte(s[r])
			}
			r++
		case c < utf8.RuneSelf:
			run := r
			for r < len(s) && s[r] < utf8.RuneSelf && s[r] != '\\' {
				r++
			}
			b.WriteString(s[run:r])
		default:
			rr, size := utf8.DecodeRuneInString(s[r:])
			b.WriteRune(rr) // utf8.RuneError for an invalid byte
			r += size
		}
	}
	return b.String()
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s string) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for k := 2; k < 6; k++ {
		v := hexValue(s[k])
		if v < 0 {
			return -1
		}
		r = r*16 + v
	}
	return r
}

func hexValue(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits consumes one or more digits; it reports whether there was one.
func (p *Parser) digits() bool {
	start := p.pos
	for p.pos < len(p.Data) && isDigit(p.Data[p.pos]) {
		p.pos++
	}
	return p.pos > start
}

// number checks a JSON number (RFC 8259 grammar) and puts it on the tape;
// the reader converts it (ParseInt,
// strconv.ParseFloat).
func (p *Parser) number() error {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	if p.peek() == '0' {
		p.pos++
	} else if !p.digits() {
		return p.fail("invalid value")
	}
	flags := FlagIntegral
	if p.peek() == '.' {
		flags = 0
		p.pos++
		if !p.digits() {
			return p.fail("invalid number: no digit after '.'")
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		flags = 0
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if !p.digits() {
			return p.fail("invalid number: no digit in exponent")
		}
	}
	p.push(Number, flags, start, p.pos)
	return nil
}

// ParseInt is strconv.ParseInt(text, 10, 64) for the integral JSON numbers
// number accepts, without its generality for the short ones that cannot
// overflow.
func ParseInt(text string) (int64, bool) {
	if len(text) > 18 {
		i, err := strconv.ParseInt(text, 10, 64)
		return i, err == nil
	}
	digits := text
	if len(text) > 0 && text[0] == '-' {
		digits = text[1:]
	}
	var n int64
	for k := 0; k < len(digits); k++ {
		n = n*10 + int64(digits[k]-'0')
	}
	if len(digits) < len(text) {
		n = -n
	}
	return n, true
}
