// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cjson

import (
	"encoding/json"
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
