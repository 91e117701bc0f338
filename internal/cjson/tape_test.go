// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Text gives every value's JSON text as written, containers included.
func TestTextOfEveryToken(t *testing.T) {
	in := `{ "a" : [ 1 , -2.5e3, "x\"y" ] , "b":{"c":null, "d" :true,"e":false} ,"f":{}, "g":[]}`
	var p Parser
	require.NoError(t, p.Parse(in))
	var got []string
	for i := range p.Tape {
		got = append(got, p.Text(i))
	}
	assert.Equal(t, []string{in, `"a"`, `[ 1 , -2.5e3, "x\"y" ]`, `1`, `-2.5e3`, `"x\"y"`, `"b"`,
		`{"c":null, "d" :true,"e":false}`, `"c"`, `null`, `"d"`, `true`, `"e"`, `false`,
		`"f"`, `{}`, `"g"`, `[]`}, got)
}

func TestMaxDepthPerParser(t *testing.T) {
	in := `{"a":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`
	var p Parser
	require.NoError(t, p.Parse(in))
	raw := 0
	for _, tok := range p.Tape {
		if tok.Kind == Raw {
			raw++
		}
	}
	assert.Equal(t, 1, raw, "past DefaultMaxDepth, one Raw token")
	assert.Len(t, p.Tape, 2+DefaultMaxDepth, "the object, the key, the arrays down to the limit")

	deep := Parser{MaxDepth: 1000}
	require.NoError(t, deep.Parse(in))
	assert.Len(t, deep.Tape, 2+200, "every array on the tape")
	for _, tok := range deep.Tape {
		assert.NotEqual(t, Raw, tok.Kind)
	}
}

func TestFoldEqualIsTheTranslatorsRule(t *testing.T) {
	assert.True(t, FoldEqual("SourceIPAddress", true, "sourceIPAddress"))
	assert.True(t, FoldEqual("ſourceIPAddress", false, "sourceIPAddress"), "long s folds to s")
	assert.True(t, FoldEqual("accessKeyId", true, "accessKeyId"))
	assert.True(t, FoldEqual("access\u212AeyId", false, "accessKeyId"), "Kelvin sign folds to k")
	assert.False(t, FoldEqual("sourceIPAddres", true, "sourceIPAddress"))
}
