package sqsinput

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// RecordReader yields the records of one trail file, one at a time.
type RecordReader interface {
	// Next returns the next record's JSON text, valid until the next call, or io.EOF after
	// the last one. Any other error means the file is corrupt or could not be read.
	Next() ([]byte, error)
}

// NewRecordReader makes a RecordReader over a trail file's decompressed JSON text.
type NewRecordReader func(io.Reader) RecordReader

// OpenTrailFile returns a reader of the file's decompressed content: gzip or plain, told
// by the content's first bytes (not by the name or Content-Encoding).
func OpenTrailFile(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// streamReader reads {"Records":[...]} token by token: only one record is held at a time.
type streamReader struct {
	dec     *jsontext.Decoder
	state   int // 0 before the array, 1 in it, 2 done
	records bool
}

// NewStreamReader is the default NewRecordReader, on jsontext. Records may hold invalid
// UTF-8 and duplicate keys (the translator copes with both); members of the file's object
// other than Records are skipped.
func NewStreamReader(r io.Reader) RecordReader {
	return &streamReader{dec: jsontext.NewDecoder(r,
		jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))}
}

var errNotTrailFile = errors.New(`not a CloudTrail log file: want {"Records":[...]}`)

func (s *streamReader) Next() ([]byte, error) {
	if s.state == 0 {
		if err := s.seekRecords(); err != nil {
			return nil, err
		}
	}
	if s.state == 2 {
		return nil, io.EOF
	}
	if s.dec.PeekKind() == ']' {
		if _, err := s.dec.ReadToken(); err != nil {
			return nil, err
		}
		if err := s.finish(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	v, err := s.dec.ReadValue()
	if err != nil {
		return nil, noEOF(err)
	}
	return v, nil
}

// seekRecords reads up to the first element of the Records array.
func (s *streamReader) seekRecords() error {
	tok, err := s.dec.ReadToken()
	if err != nil {
		return noEOF(err)
	}
	if tok.Kind() != '{' {
		return errNotTrailFile
	}
	for s.dec.PeekKind() != '}' {
		name, err := s.dec.ReadToken()
		if err != nil {
			return noEOF(err)
		}
		if name.String() != "Records" || s.dec.PeekKind() != '[' {
			if err := s.dec.SkipValue(); err != nil {
				return noEOF(err)
			}
			continue
		}
		if _, err := s.dec.ReadToken(); err != nil {
			return noEOF(err)
		}
		s.state, s.records = 1, true
		return nil
	}
	return s.finish()
}

// finish reads the rest of the file's object; a file without Records is not a trail file.
func (s *streamReader) finish() error {
	for s.dec.PeekKind() != '}' {
		if _, err := s.dec.ReadToken(); err != nil { // a member name
			return noEOF(err)
		}
		if err := s.dec.SkipValue(); err != nil {
			return noEOF(err)
		}
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return noEOF(err)
	}
	switch _, err := s.dec.ReadToken(); {
	case err == nil:
		return errors.New("trailing data after the Records object")
	case !errors.Is(err, io.EOF):
		return err // a gzip checksum, say, checked at the end of the stream
	}
	s.state = 2
	if !s.records {
		return errNotTrailFile
	}
	return nil
}

// noEOF turns an end of input inside the document into an error of its own.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
