package redact

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const record = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","accessKeyId":"AKIAEXAMPLE","arn":"arn:aws:iam::1:user/a",
 "sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},"sourceIPAddress":"192.0.2.1",
 "resources":[{"ARN":"arn:1","type":"T"},{"type":"U","ARN":"arn:2"}],"requestParameters":null,"n":1.5e3}`

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return m
}

func TestDropRemovesFieldsAndKeepsTheRest(t *testing.T) {
	r := New([]string{"userIdentity.accessKeyId", "sourceIPAddress", "resources.ARN", "eventVersion"}, Drop, "")
	got := decode(t, r.Record([]byte(record)))
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
	a, b := decode(t, plain.Record([]byte(record))), decode(t, keyed.Record([]byte(record)))
	ip := a["sourceIPAddress"].(string)
	assert.True(t, strings.HasPrefix(ip, HashPrefix))
	assert.Len(t, ip, len(HashPrefix)+32)
	assert.NotContains(t, string(plain.Record([]byte(record))), "192.0.2.1")
	assert.NotEqual(t, ip, b["sourceIPAddress"], "the key changes the hash")
	assert.Equal(t, ip, decode(t, plain.Record([]byte(record)))["sourceIPAddress"], "equal values hash alike")
	assert.IsType(t, "", a["userIdentity"].(map[string]any)["sessionContext"], "an object is hashed whole")
}

func TestNothingConfiguredOrMalformedIsUnchanged(t *testing.T) {
	assert.Equal(t, record, string((&Redactor{}).Record([]byte(record))))
	var nilR *Redactor
	assert.False(t, nilR.Enabled())
	r := New([]string{"a"}, Drop, "")
	for _, bad := range []string{`{"a":1`, `{"a" 1}`, `[1,2`, `{"a":"x}`, ``, `{"b":1} x`} {
		assert.Equal(t, bad, string(r.Record([]byte(bad))), bad)
	}
	assert.Equal(t, `{}`, string(r.Record([]byte(`{"a":{"b":[1,{"c":2}]}}`))))
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
			out := r.Record(sc.Bytes())
			got, want := decode(t, out), decode(t, sc.Bytes())
			if ui, ok := want["userIdentity"].(map[string]any); ok {
				delete(ui, "accessKeyId")
				delete(ui, "arn")
			}
			delete(want, "sourceIPAddress")
			if res, ok := want["resources"].([]any); ok {
				for _, x := range res {
					if m, ok := x.(map[string]any); ok {
						delete(m, "ARN")
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
			out := r.Record(in)
			if json.Valid(in) && !json.Valid(out) {
				t.Fatalf("valid %q became invalid %q", in, out)
			}
		}
	})
}
