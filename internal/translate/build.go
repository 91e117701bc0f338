// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// MaxDepth is the deepest nesting of JSON objects and arrays that is converted into nested
// pcommon maps and slices (the record's own object is level 1). A container that would be
// level MaxDepth+1 is not rejected: it is kept, syntax-checked, as its raw JSON text in a
// string value, so nothing of the record is lost and the conversion's recursion stays
// bounded.
const MaxDepth = cjson.DefaultMaxDepth

// A record is converted in two passes over one reusable buffer: the cjson parser checks
// the text and writes its tape, then the translator reads the fields it needs straight
// from the tape, and build converts only the values that end up in the log record (the
// body map, the map attributes) into pcommon values, each map and slice allocated once at
// its final size.

// parseObject converts data, which must hold exactly one JSON object, into dst. On a
// syntax error dst is left as it was.
func parseObject(data []byte, dst pcommon.Value) error {
	var p cjson.Parser
	if err := p.Parse(string(data)); err != nil {
		return err
	}
	build(&p, 0, dst)
	return nil
}

// build converts the value at token i into dst and returns the index of the token after
// it. null leaves dst as it is (empty).
func build(p *cjson.Parser, i int, dst pcommon.Value) int {
	t := &p.Tape[i]
	switch t.Kind {
	case cjson.Object:
		m := dst.SetEmptyMap()
		if t.N > 0 {
			m.EnsureCapacity(int(t.N))
		}
		j := i + 1
		for range t.N {
			j = build(p, j+1, m.PutEmpty(p.Str(j)))
		}
		return j
	case cjson.Array:
		s := dst.SetEmptySlice()
		if t.N > 0 {
			s.EnsureCapacity(int(t.N))
		}
		j := i + 1
		for range t.N {
			j = build(p, j, s.AppendEmpty())
		}
		return j
	case cjson.String:
		dst.SetStr(p.Str(i))
	case cjson.Number:
		setNumber(dst, p.Data[t.Start:t.End], t.Flags&cjson.FlagIntegral != 0)
	case cjson.True:
		dst.SetBool(true)
	case cjson.False:
		dst.SetBool(false)
	case cjson.Raw:
		dst.SetStr(strings.ToValidUTF8(p.Data[t.Start:t.End], "\uFFFD"))
	}
	return i + 1
}

// setNumber converts a JSON number. An integral number that fits int64 becomes Int, so big
// integers keep every digit; any other number becomes Double. A number too large for
// float64 (1e400) is kept as its text in a string value rather than failing the record.
func setNumber(dst pcommon.Value, text string, integral bool) {
	if integral {
		if i, ok := cjson.ParseInt(text); ok {
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
