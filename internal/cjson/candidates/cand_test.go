// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package candidates

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/valyala/fastjson"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// Candidate tokenizers for internal/cjson on the same work: check one record's JSON
// syntax completely and visit every token (the tape: write it, with the offsets and
// extents the translator and the redactor read; jsontext: ReadToken to the end, which
// gives neither; fastjson: its tree). tape copies the record into a string as Batch.Add
// does, tapeString does not (Batch.AddString). Run, from this directory:
//
//	GOWORK=off go test -run '^$' -bench . -benchmem -count 6
func corpus1000(b *testing.B) [][]byte {
	var corpus [][]byte
	files, _ := filepath.Glob("../../../../shared/testdata/cloudtrail-records/*.ndjson")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(line) != "" && len(corpus) < 1000 {
				corpus = append(corpus, []byte(line))
			}
		}
	}
	if len(corpus) != 1000 {
		b.Fatal("corpus")
	}
	return corpus
}

type tokenizer func(rec []byte) error

// tape copies the record into a string as Batch.Add does; tapeString is Batch.AddString
// (LookupEvents records arrive as strings), without the copy.
func tape() tokenizer {
	var p cjson.Parser
	return func(rec []byte) error { return p.Parse(string(rec)) }
}

func tapeString() tokenizer {
	var p cjson.Parser
	cache := map[*byte]string{} // filled before the timed loop (run calls each record once first)
	return func(rec []byte) error {
		s, ok := cache[&rec[0]]
		if !ok {
			s = string(rec)
			cache[&rec[0]] = s
		}
		return p.Parse(s)
	}
}

func jsontextTok() tokenizer {
	var br bytes.Reader
	d := jsontext.NewDecoder(&br, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	return func(rec []byte) error {
		br.Reset(rec)
		d.Reset(&br, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
		for {
			if _, err := d.ReadToken(); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
		}
	}
}

func fastjsonTok() tokenizer {
	var p fastjson.Parser
	return func(rec []byte) error {
		v, err := p.ParseBytes(rec)
		if err != nil {
			return err
		}
		walk(v)
		return nil
	}
}

func walk(v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(_ []byte, v *fastjson.Value) { walk(v) })
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, e := range a {
			walk(e)
		}
	}
}

var candidates = []struct {
	name string
	new  func() tokenizer
}{{"tape", tape}, {"tapeString", tapeString}, {"jsontext", jsontextTok}, {"fastjson", fastjsonTok}}

func run(b *testing.B, recs [][]byte, mk func() tokenizer) {
	tok := mk()
	var n int64
	for _, r := range recs {
		n += int64(len(r))
		if err := tok(r); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range recs {
			if err := tok(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/event")
}

func BenchmarkTokenize(b *testing.B) {
	corpus := corpus1000(b)
	write := [][]byte{[]byte(lookoutWriteRecord(1, "us-east-2", "123456789012", 50<<10))}
	for _, c := range candidates {
		b.Run("corpus1000/"+c.name, func(b *testing.B) { run(b, corpus, c.new) })
		b.Run("write50KB/"+c.name, func(b *testing.B) { run(b, write, c.new) })
	}
}
