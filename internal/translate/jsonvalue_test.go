// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func parseForTest(t *testing.T, in string) pcommon.Value {
	t.Helper()
	v := pcommon.NewValueEmpty()
	require.NoError(t, parseObject([]byte(in), v))
	return v
}

func TestParseNumbers(t *testing.T) {
	v := parseForTest(t, `{"i":42,"neg":-7,"zero":0,"negzero":-0,"big":9007199254740993,`+
		`"max":9223372036854775807,"min":-9223372036854775808,"over":9223372036854775808,`+
		`"f":1.5,"e":1e3,"E":2E-2,"int1.0":1.0,"huge":1e400}`)
	m := v.Map()
	want := map[string]any{
		"i": int64(42), "neg": int64(-7), "zero": int64(0), "negzero": int64(0),
		"big": int64(9007199254740993), "max": int64(9223372036854775807),
		"min": int64(-9223372036854775808), "over": 9223372036854775808.0,
		"f": 1.5, "e": 1000.0, "E": 0.02, "int1.0": 1.0, "huge": "1e400",
	}
	assert.Equal(t, want, m.AsRaw())
}

func TestParseStrings(t *testing.T) {
	v := parseForTest(t, `{"plain":"abc","utf8":"zoë 日本","esc":"a\"b\\c\/d\n\t","u":"\u00e9\ud83d\ude00",`+
		`"lone":"\ud800x","empty":"","k\u00e9y":1}`)
	assert.Equal(t, map[string]any{
		"plain": "abc", "utf8": "zoë 日本", "esc": "a\"b\\c/d\n\t", "u": "é😀",
		"lone": "\uFFFDx", "empty": "", "kéy": int64(1),
	}, v.Map().AsRaw())
}

func TestParseKeepsOrderAndWhitespace(t *testing.T) {
	v := parseForTest(t, " \r\n\t{ \"b\" : [ 1 , { } , [ ] , null , true , false ] , \"a\" : { \"z\" : 1 , \"y\" : 2 } } \n")
	var keys []string
	for k := range v.Map().All() {
		keys = append(keys, k)
	}
	assert.Equal(t, []string{"b", "a"}, keys)
	a, _ := v.Map().Get("a")
	var inner []string
	for k := range a.Map().All() {
		inner = append(inner, k)
	}
	assert.Equal(t, []string{"z", "y"}, inner)
	b, _ := v.Map().Get("b")
	assert.Equal(t, []any{int64(1), map[string]any{}, []any{}, nil, true, false}, b.Slice().AsRaw())
}

// FuzzParseObject checks the converter against encoding/json: it accepts a
// top-level object exactly when encoding/json does, and converts it to the
// same value.
func FuzzParseObject(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"a":1}`, `[]`, `null`, `{"a":[1,2.5,"x",{"b":null}],"c":true}`, `{"a":"\u00e9\ud83d"}`,
		"{\"a\":\"\xff\"}", `{"a":1e400}`, `{"a":-0.0e-0}`, `{"a":01}`, `{"a" :1 , }`, `{"a":"\q"}`,
	} {
		f.Add([]byte(seed))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.ndjson"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		for _, line := range bytes.Split(data, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v := pcommon.NewValueEmpty()
		err := parseObject(data, v)
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		valid := json.Valid(data) && len(trimmed) > 0 && trimmed[0] == '{'
		if !valid {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		var want any
		if json.Unmarshal(data, &want) != nil || nestingDepth(data) > MaxDepth {
			return // e.g. 1e400, which encoding/json cannot hold; deep values kept as text
		}
		assert.Equal(t, want, jsonRoundTrip(t, v.AsRaw()))
	})
}

// nestingDepth returns the deepest nesting of brackets outside strings.
func nestingDepth(data []byte) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case !inString && (c == '{' || c == '['):
			depth++
			deepest = max(deepest, depth)
		case !inString && (c == '}' || c == ']'):
			depth--
		}
	}
	return deepest
}
