// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzRecordStream: any input ends in a record list and an error, never a panic; a
// well-formed trail file yields exactly the elements of its Records arrays, byte for byte.
func FuzzRecordStream(f *testing.F) {
	f.Add([]byte(`{"Records":[{"a":1},{"b":[1,{"c":"]}"}]}]}`))
	f.Add([]byte(`{"x":[1,2],"Records":[],"y":{}}`))
	f.Add([]byte(`{"Records":[{"a":"\u005d"}], "Records" : [ {} ] }`))
	f.Add([]byte(`{"Records":[{"a":}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		s := NewRecordStream(iotest.HalfReader(bytes.NewReader(in)))
		var got [][]byte
		var err error
		for {
			var rec []byte
			if rec, err = s.Next(); err != nil {
				break
			}
			got = append(got, append([]byte(nil), rec...))
		}
		if !json.Valid(in) {
			return
		}
		var top map[string]json.RawMessage
		if json.Unmarshal(in, &top) != nil {
			return // not an object
		}
		want, ok := recordsOf(in)
		if !ok {
			if errors.Is(err, io.EOF) {
				t.Fatalf("not a trail file, but the stream ended cleanly: %q", in)
			}
			return
		}
		if !errors.Is(err, io.EOF) {
			t.Fatalf("valid trail file %q: %v", in, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: got %d records, want %d", in, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%q: record %d is %q, want %q", in, i, got[i], want[i])
			}
		}
	})
}

// recordsOf lists the raw elements of every top-level Records array of a valid JSON
// object (keys matched as the stream matches them); ok is false if one is not an array
// or an element is not an object.
func recordsOf(in []byte) (recs [][]byte, ok bool) {
	p := Parser{MaxDepth: maxStreamDepth}
	if p.Parse(string(in)) != nil {
		return nil, false
	}
	for k, j := 0, 1; k < int(p.Tape[0].N); k++ {
		key, val := j, j+1
		j = p.Skip(val)
		if !FoldEqual(p.Str(key), false, "Records") {
			continue
		}
		if p.Tape[val].Kind != Array {
			return nil, false
		}
		for e, i := 0, val+1; e < int(p.Tape[val].N); e++ {
			if p.Tape[i].Kind != Object {
				return nil, false
			}
			recs = append(recs, []byte(p.Text(i)))
			i = p.Skip(i)
		}
	}
	return recs, true
}
