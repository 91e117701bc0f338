// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func corpus(tb testing.TB, pattern string) [][]byte {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "testdata", "cloudtrail-records", pattern))
	if len(files) == 0 {
		tb.Skip("the shared CloudTrail records are not beside this repository")
	}
	var recs [][]byte
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(tb, err)
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			recs = append(recs, append([]byte(nil), sc.Bytes()...))
		}
		require.NoError(tb, fh.Close())
	}
	return recs
}

// readAll reads every record of the stream until an error.
func readAll(s *RecordStream) ([]string, error) {
	var got []string
	for {
		rec, err := s.Next()
		if err != nil {
			return got, err
		}
		got = append(got, string(rec))
	}
}

// Every published record comes out of a trail file byte for byte, however the reader
// cuts the input and whatever other members or white space the file has.
func TestRecordStreamCorpusByteExact(t *testing.T) {
	recs := corpus(t, "*.ndjson")
	var want []string
	var file bytes.Buffer
	file.WriteString(" {\"before\": {\"a\": [1, \"]}\\\"\", {}]},\n \"Rec\\u006Frds\" : [\n")
	for i, r := range recs {
		if i > 0 {
			file.WriteString(" ,\n\t")
		}
		file.Write(r)
		want = append(want, string(r))
	}
	file.WriteString("\n], \"after\": null}\n")
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(file.Bytes()) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(file.Bytes())) },
		"halves":   func() io.Reader { return iotest.HalfReader(bytes.NewReader(file.Bytes())) },
	}
	for name, r := range readers {
		t.Run(name, func(t *testing.T) {
			s := NewRecordStream(r())
			got, err := readAll(s)
			require.ErrorIs(t, err, io.EOF)
			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, want[i], got[i], "record %d", i)
			}
			_, err = s.Next()
			assert.ErrorIs(t, err, io.EOF, "the end stays the end")
		})
	}
}

func TestRecordStreamEmptyAndShapes(t *testing.T) {
	for in, want := range map[string][]string{
		`{}`:                          nil,
		`{"Records":[]}`:              nil,
		`{"Records":[],"after":{}}`:   nil,
		"\t{\"Records\" : [ {} ] }\n": {`{}`},
		`{"Records":[{"a":1}],"Records":[{"b":2}]}`:                   {`{"a":1}`, `{"b":2}`},
		`{"x":1.5e3,"y":true,"z":"Records","Records":[{"s":"]\"}"}]}`: {`{"s":"]\"}"}`},
	} {
		got, err := readAll(NewRecordStream(strings.NewReader(in)))
		require.ErrorIs(t, err, io.EOF, in)
		assert.Equal(t, want, got, in)
	}
}

// A file broken in the middle: the records before the break come out, then the error with
// its offset, and nothing after it, ever. A record that only fails its own parse (its
// brackets balance) comes out too, for the translator to reject, and the file goes on.
func TestRecordStreamMalformedMidFile(t *testing.T) {
	good := `{"eventID":"a","sourceIPAddress":"192.0.2.1"}`
	cases := []struct {
		name, in string
		want     []string
		offset   int // of the error; -1: io.ErrUnexpectedEOF
	}{
		{"unterminated string", `{"Records":[` + good + `,{"eventID":"b","x":"abc`, []string{good}, -1},
		{"mismatched bracket", `{"Records":[` + good + `,{"eventID":"b","x":[}]}`, []string{good}, 12 + len(good) + 21},
		{"garbage between records", `{"Records":[` + good + ` x ` + good + `]}`, []string{good}, 12 + len(good) + 1},
		{"not an object", `{"Records":[` + good + `,[1]]}`, []string{good}, 12 + len(good) + 1},
		{"control character", `{"Records":[` + good + `,{"a":"` + "\x01" + `"}]}`, []string{good}, 12 + len(good) + 7},
		{"truncated", `{"Records":[` + good + `,` + good, []string{good, good}, -1},
		{"data after", `{"Records":[` + good + `]} {}`, []string{good}, 12 + len(good) + 3},
		{"not a trail file", `[` + good + `]`, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewRecordStream(iotest.HalfReader(strings.NewReader(tc.in)))
			got, err := readAll(s)
			assert.Equal(t, tc.want, got)
			if tc.offset < 0 {
				require.ErrorIs(t, err, io.ErrUnexpectedEOF)
			} else {
				var se *SyntaxError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tc.offset, se.Offset, se.Msg)
			}
			_, again := s.Next()
			assert.Equal(t, err, again, "the stream stays broken")
		})
	}
	// Balanced but not well-formed: passed on, and the file goes on.
	in := `{"Records":[` + good + `,{"eventID":"b","x":},` + good + `]}`
	got, err := readAll(NewRecordStream(strings.NewReader(in)))
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, []string{good, `{"eventID":"b","x":}`, good}, got)
	var p Parser
	require.Error(t, p.Parse(got[1]))
}

func TestRecordStreamBoundsRecordSizeAndDepth(t *testing.T) {
	big := `{"a":"` + strings.Repeat("x", 200) + `"}`
	s := NewRecordStream(iotest.OneByteReader(strings.NewReader(`{"Records":[{},` + big + `]}`)))
	s.MaxRecordSize = 100
	got, err := readAll(s)
	assert.Equal(t, []string{`{}`}, got)
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Msg, "larger than 100 bytes")
	assert.LessOrEqual(t, cap(s.rec), 2*s.MaxRecordSize, "the record buffer never grows past the bound")

	deep := `{"a":` + strings.Repeat("[", maxStreamDepth+1) + strings.Repeat("]", maxStreamDepth+1) + `}`
	_, err = readAll(NewRecordStream(strings.NewReader(`{"Records":[` + deep + `]}`)))
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Msg, "nested deeper")
}

func TestRecordStreamReaderError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(`{"Records":[{"a":1},{"b":`), iotest.ErrReader(boom))
	got, err := readAll(NewRecordStream(r))
	assert.Equal(t, []string{`{"a":1}`}, got)
	assert.ErrorIs(t, err, boom)
}

// trailFile is a synthetic trail file of at least size bytes: one record repeated,
// produced as it is read, so that nothing but the stream holds memory.
type trailFile struct {
	head, next, tail []byte // `{"Records":[` + record, "," + record, "]}"
	size, read       int64
	remaining        []byte
	done             bool
}

func newTrailFile(rec []byte, size int64) *trailFile {
	return &trailFile{
		head: append([]byte(`{"Records":[`), rec...), next: append([]byte{','}, rec...),
		tail: []byte("]}"), size: size,
	}
}

func (f *trailFile) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(f.remaining) == 0 {
			switch {
			case f.read == 0:
				f.remaining = f.head
			case f.read < f.size:
				f.remaining = f.next
			case !f.done:
				f.remaining, f.done = f.tail, true
			default:
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
		}
		c := copy(p[n:], f.remaining)
		f.remaining = f.remaining[c:]
		n += c
		f.read += int64(c)
	}
	return n, nil
}

// BenchmarkRecordStream1GB streams a 1 GB trail file of published records (one op = the
// whole file). peak-heap-B is the largest live heap sampled while streaming: the stream
// holds one record and its window, whatever the file's size.
//
//	go test -run '^$' -bench RecordStream1GB -benchmem -benchtime 1x -count 6 ./internal/cjson/
func BenchmarkRecordStream1GB(b *testing.B) {
	recs := corpus(b, "otel-contrib-cloudtrail.ndjson")
	rec := recs[0]
	for _, r := range recs {
		if len(r) > len(rec) {
			rec = r
		}
	}
	const size = 1 << 30
	b.SetBytes(size)
	b.ReportAllocs()
	var peak uint64
	var ms runtime.MemStats
	records := 0
	for b.Loop() {
		s := NewRecordStream(newTrailFile(rec, size))
		for {
			r, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(r) != len(rec) {
				b.Fatalf("record of %d bytes, want %d", len(r), len(rec))
			}
			if records++; records%50000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
	}
	b.ReportMetric(float64(peak), "peak-heap-B")
	b.ReportMetric(float64(records)/float64(b.N), "records/op")
}
