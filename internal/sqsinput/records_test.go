// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func readAll(t *testing.T, content []byte) ([]string, error) {
	t.Helper()
	r, err := OpenTrailFile(bytes.NewReader(content))
	if err != nil {
		return nil, err
	}
	rr := NewStreamReader(r)
	var out []string
	for {
		rec, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, string(rec))
	}
}

func TestStreamReaderPlainAndGzip(t *testing.T) {
	file := `{"Records":[{"eventID":"a","x":[1,{"y":"}"}]} , {"eventID":"b", "eventName":"caf\u00e9"}]}` + "\n"
	want := []string{`{"eventID":"a","x":[1,{"y":"}"}]}`, `{"eventID":"b", "eventName":"caf\u00e9"}`}
	for name, content := range map[string][]byte{"plain": []byte(file), "gzip": gz(t, file)} {
		t.Run(name, func(t *testing.T) {
			got, err := readAll(t, content)
			require.NoError(t, err)
			assert.Equal(t, want, got, "records byte for byte")
		})
	}
}

// Two gzip members one after the other are one file (as gzip -c a b > c makes).
func TestStreamReaderMultiMemberGzip(t *testing.T) {
	content := append(gz(t, `{"Records":[{"eventID":"a"},`), gz(t, `{"eventID":"b"}]}`)...)
	got, err := readAll(t, content)
	require.NoError(t, err)
	assert.Equal(t, []string{`{"eventID":"a"}`, `{"eventID":"b"}`}, got)
}

func TestStreamReaderShapes(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
		err        bool
	}{
		{name: "empty records", file: `{"Records":[]}`},
		{name: "other members first and after", file: `{"x":{"Records":[{"no":1}]},"Records":[{"a":1}],"z":[]}`, want: []string{`{"a":1}`}},
		{name: "invalid UTF-8 and duplicate keys kept", file: "{\"Records\":[{\"a\":\"\xff\",\"a\":2}]}", want: []string{"{\"a\":\"\xff\",\"a\":2}"}},
		{name: "empty file", file: ``, err: true},
		{name: "truncated", file: `{"Records":[{"a":1},{"b":`, want: []string{`{"a":1}`}, err: true},
		{name: "brackets do not match", file: `{"Records":[{"a":1},{"b":[2}]}`, want: []string{`{"a":1}`}, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, []byte(tt.file))
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.err, err != nil, "error: %v", err)
		})
	}
}

func TestOpenTrailFileCorruptGzip(t *testing.T) {
	content := gz(t, `{"Records":[{"a":1},{"b":2}]}`)
	content[len(content)-6] ^= 0xff // the CRC no longer matches
	_, err := readAll(t, content)
	require.Error(t, err)
	assert.ErrorIs(t, err, gzip.ErrChecksum)

	_, err = OpenTrailFile(bytes.NewReader([]byte{0x1f, 0x8b, 0x00}))
	require.Error(t, err, "a gzip header cut short")
}

func TestClassify(t *testing.T) {
	for key, want := range map[string]Class{
		ctKey1:    ClassTrail,
		keyPlain:  ClassTrail,
		digestKey: ClassDigest,
		"AWSLogs/123456789012/CloudTrail/us-east-1/2026/12/01/123456789012_CloudTrail_us-east-1_20261201T1205Z_x.json.gz":                 ClassTrail,
		"AWSLogs/123456789012/CloudTrail-Insight/us-east-1/2026/12/01/123456789012_CloudTrail-Insight_us-east-1_20261201T1205Z_x.json.gz": ClassInsight,
		"AWSLogs/123456789012/Config/us-east-1/2026/12/01/ConfigSnapshot/x.json.gz":                                                       ClassOther,
		"AWSLogs/123456789012/CloudTrail/us-east-1/2026/12/01/":                                                                           ClassOther,
		"notAWSLogs/123456789012/CloudTrail/us-east-1/2026/12/01/x.json.gz":                                                               ClassOther,
		"AWSLogs/12345/CloudTrail/us-east-1/2026/12/01/x.json.gz":                                                                         ClassOther,
		"": ClassOther,
	} {
		assert.Equal(t, want.String(), Classify(key).String(), key)
	}
}

// A file of many records is read with memory bounded by one record, not the file: the
// reader's allocations stay far below the file's size.
func TestStreamReaderDoesNotHoldTheFile(t *testing.T) {
	const n = 20000
	rec := `{"eventID":"%08d","requestParameters":{"p":"` + strings.Repeat("x", 400) + `"}}`
	pr, pw := io.Pipe()
	go func() {
		_, _ = io.WriteString(pw, `{"Records":[`)
		for i := range n {
			if i > 0 {
				_, _ = io.WriteString(pw, ",")
			}
			_, _ = fmt.Fprintf(pw, rec, i)
		}
		_ = pw.CloseWithError(func() error { _, err := io.WriteString(pw, `]}`); return err }())
	}()
	rr := NewStreamReader(pr)
	count := 0
	allocs := testing.AllocsPerRun(1, func() {
		for {
			_, err := rr.Next()
			if err != nil {
				require.ErrorIs(t, err, io.EOF)
				return
			}
			count++
		}
	})
	assert.Equal(t, n, count)
	assert.Less(t, allocs, float64(n/10), "no allocation per record")
}

// A UTF-8 byte order mark before the JSON text (some tools write one) is not part of the
// file's JSON: plain or gzip, the records are read.
func TestStreamReaderSkipsByteOrderMark(t *testing.T) {
	file := "\xef\xbb\xbf" + `{"Records":[{"a":1}]}`
	for name, content := range map[string][]byte{"plain": []byte(file), "gzip": gz(t, file)} {
		got, err := readAll(t, content)
		require.NoError(t, err, name)
		assert.Equal(t, []string{`{"a":1}`}, got, name)
	}
	got, err := readAll(t, []byte("\xef\xbb"))
	assert.Error(t, err, "a cut mark is no file")
	assert.Empty(t, got)
}
