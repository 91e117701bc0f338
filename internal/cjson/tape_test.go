// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"fmt"
	"math/rand/v2"
	"strconv"
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

// Members keeps each key once, at its first place, with its last value, whatever keys
// share a bit of its duplicate filter: checked against a plain search on random objects
// whose keys repeat.
func TestMembersDuplicates(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"", "a", "b", "ab", "ba", "eventID", "eventId", "eventTime", "awsRegion", "userName", "x\u00e9", "k\u212a"}
	var p Parser
	for range 2000 {
		var b strings.Builder
		b.WriteString("{")
		n := rng.IntN(40)
		keys := make([]string, n)
		for i := range n {
			keys[i] = alphabet[rng.IntN(len(alphabet))]
			if rng.IntN(4) == 0 {
				keys[i] += strconv.Itoa(rng.IntN(50))
			}
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%d", keys[i], i)
		}
		b.WriteString("}")
		require.NoError(t, p.Parse(b.String()))
		type kv struct {
			key string
			val string
		}
		var want []kv
		for i, k := range keys {
			found := false
			for j := range want {
				if want[j].key == k {
					want[j].val, found = strconv.Itoa(i), true
				}
			}
			if !found {
				want = append(want, kv{k, strconv.Itoa(i)})
			}
		}
		var got []kv
		for _, m := range p.Members(0) {
			got = append(got, kv{m.Key, p.Data[p.Tape[m.Val].Start:p.Tape[m.Val].End]})
		}
		require.Equal(t, want, got, b.String())
	}
}
