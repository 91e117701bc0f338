// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"encoding/json"
	"math/bits"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnquoteMatchesEncodingJSON: strings with escapes or invalid UTF-8 decode
// exactly as encoding/json decodes them.
func TestUnquoteMatchesEncodingJSON(t *testing.T) {
	for _, quoted := range []string{
		`"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u00E9"`, `"\ud83d\ude00"`, `"\ud83dx"`, `"\ude00"`,
		`"\ud83d\u0041"`, `"\ud83d\ud83d\ude00"`, `"\u0000"`, "\"\xff\xfe ok \xc3\xa9 \xed\xa0\x80\"",
		"\"\xe2\x82\"", `"plain"`, `""`, `"\\\\"`, `"x\u2028y"`, "\"\xef\xbf\xbd\"",
	} {
		var want string
		require.NoError(t, json.Unmarshal([]byte(quoted), &want), quoted)
		var p Parser
		require.NoError(t, p.Parse(`{"k":`+quoted+`}`), quoted)
		assert.Equal(t, want, p.Str(2), quoted)
	}
}

func TestMalformedEscapesKeepEncodingJSONWords(t *testing.T) {
	for _, quoted := range []string{`"\q"`, `"\u12"`, `"\u12x4"`, `"\'"`, "\"\\\x01\"", `"ok\`} {
		var s string
		jsonErr := json.Unmarshal([]byte(quoted), &s)
		require.Error(t, jsonErr)
		var p Parser
		err := p.Parse(`{"k":` + quoted + `}`)
		require.Error(t, err, quoted)
		if quoted != `"ok\` {
			assert.Contains(t, err.Error(), "invalid string: "+jsonErr.Error(), quoted)
		}
	}
}

func TestParseIntMatchesStrconv(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "7", "-7", "123456789012", "999999999999999999", "-999999999999999999",
		"1000000000000000000", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
	} {
		want, err := strconv.ParseInt(s, 10, 64)
		got, ok := ParseInt(s)
		assert.Equal(t, err == nil, ok, s)
		if ok {
			assert.Equal(t, want, got, s)
		}
	}
}

// specialBytes agrees with plainStringByte: for every byte value at every position among
// plain bytes, it flags exactly the first non-plain byte as its lowest set bit, and
// nothing when all eight are plain.
func TestSpecialBytes(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			var buf [8]byte
			for k := range buf {
				buf[k] = 'a' + byte(k)
			}
			buf[pos] = byte(c)
			got := specialBytes(load64(string(buf[:]), 0))
			if plainStringByte[c] {
				if got != 0 {
					t.Fatalf("byte 0x%02x at %d: flagged %#x, want none", c, pos, got)
				}
				continue
			}
			if got == 0 || bits.TrailingZeros64(got)/8 != pos {
				t.Fatalf("byte 0x%02x at %d: flagged %#x, want the first at byte %d", c, pos, got, pos)
			}
		}
	}
	// Below the first special byte, a borrow cannot hide it: every plain byte before a
	// control byte, quote or backslash leaves it first.
	for _, c := range []byte{0x00, 0x1f, '"', '\\', 0x80, 0xff} {
		s := string([]byte{' ', '!', '#', '[', ']', '~', 0x7f, c})
		if got := specialBytes(load64(s, 0)); bits.TrailingZeros64(got)/8 != 7 {
			t.Fatalf("byte 0x%02x after plain bytes: flagged %#x", c, got)
		}
	}
}
