// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"errors"
	"fmt"
	"io"
)

// DefaultMaxRecordSize is a RecordStream's MaxRecordSize when it is zero.
const DefaultMaxRecordSize = 16 << 20

// streamWindow is how much of the input a RecordStream reads at a time.
const streamWindow = 64 << 10

// RecordStream reads the records of a CloudTrail trail file, `{"Records":[{...},...]}`,
// from an io.Reader one at a time, never holding more than the record being read and a
// 64 KiB window of the input.
//
// The stream checks the file's structure: the top-level object, its keys, the Records
// array, the strings and the nesting of brackets. The inside of each record is not
// checked further: a record whose brackets balance but whose members do not parse (such
// as {"a":}) is returned like any other, for the record's own parser to reject, and the
// stream goes on. A structural error (an unterminated string, brackets that do not match,
// anything but ',' or ']' after a record, a record over MaxRecordSize) ends the stream:
// Next returns it, with the offset in the input, from then on.
type RecordStream struct {
	// MaxRecordSize bounds one record's size in bytes; zero means DefaultMaxRecordSize.
	// Set it before the first Next.
	MaxRecordSize int

	r      io.Reader
	win    []byte
	pos, n int   // win[pos:n] is not read yet
	base   int64 // input offset of win[0]
	// capStart is where the record (or key) being read starts in win, -1 when none is;
	// capDst is where it is copied.
	capStart int
	capDst   *[]byte
	rec      []byte
	key      []byte
	stack    []byte
	state    streamState
	first    bool // no member or element read yet in the current object or array
	err      error
}

type streamState uint8

const (
	stateStart   streamState = iota // before the top-level '{'
	stateMembers                    // among the top-level object's members
	stateRecords                    // inside a Records array
	stateDone
)

// NewRecordStream returns a RecordStream reading r.
func NewRecordStream(r io.Reader) *RecordStream {
	return &RecordStream{r: r, capStart: -1}
}

// Next returns the raw JSON text of the next record, byte for byte as in the input. It is
// valid until the next call. At the end of the file Next returns io.EOF; a file that ends
// before its top-level object does yields io.ErrUnexpectedEOF; any other error is a
// *SyntaxError or the reader's.
func (s *RecordStream) Next() ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	rec, err := s.next()
	if err != nil {
		if errors.Is(err, io.EOF) && s.state != stateDone {
			err = io.ErrUnexpectedEOF
		}
		s.err = err
		return nil, err
	}
	return rec, nil
}

func (s *RecordStream) next() ([]byte, error) {
	if s.win == nil {
		s.win = make([]byte, streamWindow)
		if s.MaxRecordSize <= 0 {
			s.MaxRecordSize = DefaultMaxRecordSize
		}
	}
	for {
		switch s.state {
		case stateStart:
			if err := s.expect('{'); err != nil {
				return nil, err
			}
			s.state, s.first = stateMembers, true
		case stateMembers:
			if err := s.member(); err != nil {
				return nil, err
			}
		case stateRecords:
			rec, err := s.element()
			if rec != nil || err != nil {
				return rec, err
			}
		case stateDone:
			return nil, io.EOF
		}
	}
}

// member reads the next top-level member up to the Records array, or the end of the file.
func (s *RecordStream) member() error {
	c, err := s.peek()
	if err != nil {
		return err
	}
	if c == '}' {
		s.pos++
		if c, err := s.peek(); !errors.Is(err, io.EOF) {
			if err != nil {
				return err
			}
			return s.fail(fmt.Sprintf("unexpected %q after the top-level object", c))
		}
		s.state = stateDone
		return nil
	}
	if !s.first {
		if err := s.expect(','); err != nil {
			return err
		}
	}
	s.first = false
	key, err := s.readKey()
	if err != nil {
		return err
	}
	if err := s.expect(':'); err != nil {
		return err
	}
	if FoldEqual(key, false, "Records") {
		if err := s.expect('['); err != nil {
			return err
		}
		s.state, s.first = stateRecords, true
		return nil
	}
	return s.value()
}

// element returns the next record of the Records array, or nil at its end.
func (s *RecordStream) element() ([]byte, error) {
	c, err := s.peek()
	if err != nil {
		return nil, err
	}
	if c == ']' {
		s.pos++
		s.state, s.first = stateMembers, false // a member was read: the Records array
		return nil, nil
	}
	if !s.first {
		if c != ',' {
			return nil, s.fail(fmt.Sprintf("expected ',' or ']' after a record, found %q", c))
		}
		s.pos++
		if c, err = s.peek(); err != nil {
			return nil, err
		}
	}
	s.first = false
	if c != '{' {
		return nil, s.fail(fmt.Sprintf("a record must be a JSON object, found %q", c))
	}
	s.rec = s.rec[:0]
	s.capStart, s.capDst = s.pos, &s.rec
	err = s.value()
	if err == nil {
		err = s.capture()
	}
	s.capStart = -1
	if err != nil {
		return nil, err
	}
	return s.rec, nil
}

// readKey reads an object key and returns it decoded.
func (s *RecordStream) readKey() (string, error) {
	c, err := s.peek()
	if err != nil {
		return "", err
	}
	if c != '"' {
		return "", s.fail("expected a string as object key")
	}
	s.key = s.key[:0]
	s.capStart, s.capDst = s.pos, &s.key
	s.pos++
	err = s.str()
	if err == nil {
		err = s.capture()
	}
	s.capStart = -1
	if err != nil {
		return "", err
	}
	var p Parser
	if err := p.Parse(`{` + string(s.key) + `:0}`); err != nil {
		return "", s.fail("invalid object key")
	}
	return p.Str(1), nil
}

// capture appends what was read since capStart to capDst and checks the record size.
func (s *RecordStream) capture() error {
	if len(*s.capDst)+s.pos-s.capStart > s.MaxRecordSize {
		return s.fail(fmt.Sprintf("a record is larger than %d bytes", s.MaxRecordSize))
	}
	*s.capDst = append(*s.capDst, s.win[s.capStart:s.pos]...)
	s.capStart = s.pos
	return nil
}

// fill reads more input into the window, keeping what is being captured.
func (s *RecordStream) fill() error {
	if s.capStart >= 0 {
		if err := s.capture(); err != nil {
			return err
		}
		s.capStart = 0
	}
	s.base += int64(s.n)
	s.pos, s.n = 0, 0
	for s.n == 0 {
		n, err := s.r.Read(s.win)
		s.n = n
		if n == 0 && err != nil {
			return err
		}
	}
	return nil
}

// peek skips white space and returns the next byte without reading it.
func (s *RecordStream) peek() (byte, error) {
	for {
		for s.pos < s.n {
			switch c := s.win[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, nil
			}
		}
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
}

func (s *RecordStream) expect(want byte) error {
	c, err := s.peek()
	if err != nil {
		return err
	}
	if c != want {
		return s.fail(fmt.Sprintf("expected %q, found %q", want, c))
	}
	s.pos++
	return nil
}

func (s *RecordStream) fail(msg string) error {
	return &SyntaxError{Msg: msg, Offset: int(s.base) + s.pos}
}

// structural marks the bytes a container scan stops at.
var structural = func() (t [256]bool) {
	for _, c := range []byte(`{}[]"`) {
		t[c] = true
	}
	return t
}()

// value reads one value: a container with its strings and matched brackets, a string,
// or the bytes of a number or literal.
func (s *RecordStream) value() error {
	c, err := s.peek()
	if err != nil {
		return err
	}
	switch c {
	case '"':
		s.pos++
		return s.str()
	case '{', '[':
		return s.container()
	}
	read := 0
	for {
		for s.pos < s.n {
			switch c := s.win[s.pos]; {
			case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c == '-', c == '+', c == '.', c == 'E':
				s.pos++
				read++
			default:
				if read == 0 {
					return s.fail(fmt.Sprintf("unexpected %q", c))
				}
				return nil
			}
		}
		if err := s.fill(); err != nil {
			return err
		}
	}
}

// container reads the object or array at pos, to its matching bracket.
func (s *RecordStream) container() error {
	s.stack = s.stack[:0]
	for {
		for s.pos < s.n {
			c := s.win[s.pos]
			s.pos++
			if !structural[c] {
				continue
			}
			switch c {
			case '"':
				if err := s.str(); err != nil {
					return err
				}
			case '{':
				s.stack = append(s.stack, '}')
			case '[':
				s.stack = append(s.stack, ']')
			default: // '}' or ']'
				if top := len(s.stack) - 1; top < 0 || s.stack[top] != c {
					s.pos--
					return s.fail(fmt.Sprintf("unexpected %q", c))
				}
				s.stack = s.stack[:len(s.stack)-1]
				if len(s.stack) == 0 {
					return nil
				}
			}
			if len(s.stack) > maxStreamDepth {
				return s.fail(fmt.Sprintf("nested deeper than %d levels", maxStreamDepth))
			}
		}
		if err := s.fill(); err != nil {
			return err
		}
	}
}

// maxStreamDepth bounds the nesting of a record in a stream, as the redactor bounds it.
const maxStreamDepth = 10000

// str reads the rest of a string whose opening quote was read. Control characters are
// errors; escapes are only stepped over (the record's parser checks them).
func (s *RecordStream) str() error {
	escaped := false
	for {
		for s.pos < s.n {
			c := s.win[s.pos]
			s.pos++
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				return nil
			case c < 0x20:
				s.pos--
				return s.fail("control character in string")
			}
		}
		if err := s.fill(); err != nil {
			return err
		}
	}
}
