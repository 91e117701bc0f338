// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package redact

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const record = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accessKeyId":"AKIAEXAMPLE","arn":"arn:aws:iam::1:user/a",
 "sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},"sourceIPAddress":"192.0.2.1",
 "resources":[{"ARN":"arn:1","type":"T"},{"type":"U","ARN":"arn:2"}],"requestParameters":null,"n":1.5e3}`

// redacted is r.Record(in), which must succeed.
func redacted(t *testing.T, r *Redactor, in string) []byte {
	t.Helper()
	out, err := r.Record([]byte(in))
	require.NoError(t, err, in)
	return out
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return m
}

func TestDropRemovesFieldsAndKeepsTheRest(t *testing.T) {
	r := New([]string{"userIdentity.accessKeyId", "sourceIPAddress", "resources.ARN", "eventVersion"}, Drop, "")
	got := decode(t, redacted(t, r, record))
	want := decode(t, []byte(record))
	delete(want["userIdentity"].(map[string]any), "accessKeyId")
	delete(want, "sourceIPAddress")
	delete(want, "eventVersion") // the first member: no stray comma
	for _, res := range want["resources"].([]any) {
		delete(res.(map[string]any), "ARN")
	}
	assert.Equal(t, want, got)
}

func TestHashIsStableKeyedAndHidesTheValue(t *testing.T) {
	plain := New([]string{"sourceIPAddress", "userIdentity.sessionContext"}, Hash, "")
	keyed := New([]string{"sourceIPAddress", "userIdentity.sessionContext"}, Hash, "k1")
	a, b := decode(t, redacted(t, plain, record)), decode(t, redacted(t, keyed, record))
	ip := a["sourceIPAddress"].(string)
	assert.True(t, strings.HasPrefix(ip, HashPrefix))
	assert.Len(t, ip, len(HashPrefix)+32)
	assert.NotContains(t, string(redacted(t, plain, record)), "192.0.2.1")
	assert.NotEqual(t, ip, b["sourceIPAddress"], "the key changes the hash")
	assert.Equal(t, ip, decode(t, redacted(t, plain, record))["sourceIPAddress"], "equal values hash alike")
	assert.IsType(t, "", a["userIdentity"].(map[string]any)["sessionContext"], "an object is hashed whole")
}

func TestNothingConfiguredIsUnchanged(t *testing.T) {
	assert.Equal(t, record, string(redacted(t, &Redactor{}, record)))
	var nilR *Redactor
	assert.False(t, nilR.Enabled())
	out, err := nilR.Record([]byte(`{"a":1`))
	require.NoError(t, err, "nothing to redact: the translator judges the record")
	assert.Equal(t, `{"a":1`, string(out))
	assert.Equal(t, `{}`, string(redacted(t, New([]string{"a"}, Drop, ""), `{"a":{"b":[1,{"c":2}]}}`)))
}

// A record the redactor cannot read completely is refused, never passed on: the chosen
// field could be in the part it did not read.
func TestMalformedIsRefused(t *testing.T) {
	r := New([]string{"a"}, Drop, "")
	for _, bad := range []string{`{"a":1`, `{"a" 1}`, `[1,2`, `{"a":"x}`, ``, `{"b":1} x`, `"a"`, `{"a":"\x"}`} {
		out, err := r.Record([]byte(bad))
		var re *Error
		require.ErrorAs(t, err, &re, bad)
		assert.Nil(t, out, bad)
		assert.Empty(t, re.EventID, bad)
	}
	_, err := r.Record([]byte(`{"eventID":"e-1","a":"192.0.2.1","b":[1,}`))
	var re *Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "e-1", re.EventID, "the eventID read before the error names the record")
	assert.NotContains(t, err.Error(), "192.0.2.1")
	for _, bad := range []string{`192.0.2.1 is no JSON`, `X192.0.2.1`, `{"a":"192.0.2.1`, `{"a":"192.0.2.1\q"}`, `{"a":192.0.2.1}`} {
		_, err = r.Record([]byte(bad))
		require.Error(t, err, bad)
		assert.NotContains(t, err.Error(), "192.0.2", "the error is logged: it holds none of the record")
	}
	_, err = r.Record([]byte(`{"EventId":"e-2","b":{}`))
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "e-2", re.EventID, "the eventID is found by the translator's case rule")
}

func TestValidatePathAndAction(t *testing.T) {
	require.NoError(t, ValidatePath("userIdentity.sessionContext.sessionIssuer.arn"))
	for _, bad := range []string{"", "a..b", ".a", "a b", "a.*"} {
		assert.Error(t, ValidatePath(bad), bad)
	}
	a, err := ParseAction("hash")
	require.NoError(t, err)
	assert.Equal(t, Hash, a)
	_, err = ParseAction("mask")
	assert.ErrorContains(t, err, `got "mask"`)
}

// Every published record stays valid JSON and loses exactly the chosen fields.
func TestCorpus(t *testing.T) {
	dir := "../../../shared/testdata/cloudtrail-records"
	files, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	if len(files) == 0 {
		t.Skip("the shared CloudTrail records are not beside this repository")
	}
	r := New([]string{"userIdentity.accessKeyId", "sourceIPAddress", "userIdentity.arn", "resources.ARN"}, Drop, "")
	n := 0
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			out, err := r.Record(sc.Bytes())
			require.NoError(t, err)
			got, want := decode(t, out), decode(t, sc.Bytes())
			// Keys match as the translator maps them, ignoring case: published records
			// spell "accesskeyid" and "arn" too.
			if ui, ok := foldGet(want, "userIdentity").(map[string]any); ok {
				foldDelete(ui, "accessKeyId")
				foldDelete(ui, "arn")
			}
			foldDelete(want, "sourceIPAddress")
			if res, ok := foldGet(want, "resources").([]any); ok {
				for _, x := range res {
					if m, ok := x.(map[string]any); ok {
						foldDelete(m, "ARN")
					}
				}
			}
			assert.Equal(t, want, got)
			n++
		}
		require.NoError(t, fh.Close())
	}
	assert.Equal(t, 1050, n)
}

func FuzzRecord(f *testing.F) {
	f.Add([]byte(record), "userIdentity.accessKeyId")
	f.Add([]byte(`{"a":[{"b":1},{"b":"\"}"}],"c":{}}`), "a.b")
	f.Add([]byte(`{"a":1,"a":2}`), "a")
	f.Fuzz(func(t *testing.T, in []byte, path string) {
		if ValidatePath(path) != nil {
			return
		}
		for _, r := range []*Redactor{New([]string{path}, Drop, ""), New([]string{path}, Hash, "k")} {
			out, err := r.Record(in)
			if err != nil {
				if out != nil {
					t.Fatalf("refused %q but returned %q", in, out)
				}
				continue
			}
			if !json.Valid(out) {
				t.Fatalf("%q became invalid %q", in, out)
			}
			if !json.Valid(in) {
				t.Fatalf("accepted invalid %q", in)
			}
		}
	})
}

func foldGet(m map[string]any, name string) any {
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

func foldDelete(m map[string]any, name string) {
	for k := range m {
		if strings.EqualFold(k, name) {
			delete(m, k)
		}
	}
}

// One Redactor serves every stream at once.
func TestConcurrentUse(t *testing.T) {
	r := New([]string{"sourceIPAddress", "userIdentity.accessKeyId"}, Hash, "k")
	want := string(redacted(t, r, record))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				out, err := r.Record([]byte(record))
				assert.NoError(t, err)
				assert.Equal(t, want, string(out))
			}
		})
	}
	wg.Wait()
}

// Nesting: a record is read to MaxDepth levels on the way to a chosen field, and refused
// past that; nesting anywhere else costs nothing.
func TestDepthFailsClosed(t *testing.T) {
	r := New([]string{"resources.ARN"}, Drop, "")
	nested := func(n int) string {
		return strings.Repeat("[", n) + `{"ARN":"arn:secret"}` + strings.Repeat("]", n)
	}
	out := redacted(t, r, `{"resources":`+nested(MaxDepth-3)+`}`)
	assert.NotContains(t, string(out), "arn:secret")
	assert.Equal(t, `{"resources":`+strings.Repeat("[", MaxDepth-3)+`{}`+strings.Repeat("]", MaxDepth-3)+`}`, string(out))

	_, err := r.Record([]byte(`{"eventID":"deep","resources":` + nested(MaxDepth+1) + `}`))
	var re *Error
	require.ErrorAs(t, err, &re, "past MaxDepth on the way to a chosen field: refused")
	assert.Equal(t, "deep", re.EventID)

	in := `{"requestParameters":` + nested(MaxDepth+1) + `,"resources":[{"ARN":"x"}]}`
	out = redacted(t, r, in)
	assert.Equal(t, `{"requestParameters":`+nested(MaxDepth+1)+`,"resources":[{}]}`, string(out),
		"deep elsewhere: copied as it is")
}

// hash: equal values hash alike however their JSON text escapes them.
func TestHashIgnoresEscapes(t *testing.T) {
	r := New([]string{"sourceIPAddress"}, Hash, "k")
	a := decode(t, redacted(t, r, `{"sourceIPAddress":"192.0.2.1"}`))
	b := decode(t, redacted(t, r, `{"sourceIPAddress":"192\u002e0.2.1"}`))
	c := decode(t, redacted(t, r, `{"sourceIPAddress":"192.0.2.2"}`))
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
}

// The hash of a string without escapes is the documented one, and the one earlier
// versions wrote: HMAC-SHA-256 (SHA-256 without a key) of the value's JSON text.
func TestHashIsTheDocumentedOne(t *testing.T) {
	m := hmac.New(sha256.New, []byte("k1"))
	m.Write([]byte(`"192.0.2.1"`))
	keyed := HashPrefix + hex.EncodeToString(m.Sum(nil)[:16])
	plain := sha256.Sum256([]byte(`"192.0.2.1"`))
	for key, want := range map[string]string{"k1": keyed, "": HashPrefix + hex.EncodeToString(plain[:16])} {
		got := decode(t, redacted(t, New([]string{"sourceIPAddress"}, Hash, key), `{"sourceIPAddress":"192.0.2.1"}`))
		assert.Equal(t, want, got["sourceIPAddress"], "key %q", key)
	}
}
