// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// RecordReader yields the records of one trail file, one at a time.
type RecordReader interface {
	// Next returns the next record's JSON text, valid until the next call, or io.EOF after
	// the last one. Any other error means the file is corrupt or could not be read.
	Next() ([]byte, error)
}

// NewRecordReader makes a RecordReader over a trail file's decompressed JSON text.
type NewRecordReader func(io.Reader) RecordReader

// NewStreamReader is the default NewRecordReader: the shared tokenizer's RecordStream,
// which holds one record and a 64 KiB window of the file, never the whole file.
func NewStreamReader(r io.Reader) RecordReader { return cjson.NewRecordStream(r) }

// OpenTrailFile returns a reader of the file's decompressed content: gzip or plain, told
// by the content's first bytes (not by the name or Content-Encoding). Concatenated gzip
// members are read as one file. A UTF-8 byte order mark before the JSON text is skipped.
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
		return skipBOMUnbuffered(zr)
	}
	return skipBOM(br)
}

// utf8BOM is the UTF-8 byte order mark.
const utf8BOM = "\xef\xbb\xbf"

// skipBOM drops a UTF-8 byte order mark at the start of br.
func skipBOM(br *bufio.Reader) (io.Reader, error) {
	head, err := br.Peek(len(utf8BOM))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if string(head) == utf8BOM {
		_, _ = br.Discard(len(utf8BOM))
	}
	return br, nil
}

// skipBOMUnbuffered drops a UTF-8 byte order mark at the start of r without another
// buffer (the record reader has its own): the bytes read to look are given back first.
func skipBOMUnbuffered(r io.Reader) (io.Reader, error) {
	var head [len(utf8BOM)]byte
	n, err := io.ReadFull(r, head[:])
	switch {
	case err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF):
		return nil, err
	case string(head[:n]) == utf8BOM:
		return r, nil
	}
	return io.MultiReader(bytes.NewReader(head[:n]), r), nil
}
