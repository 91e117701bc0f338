// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package redact

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// diffTargets are the chosen fields of the differential fuzz: top level, nested in
// userIdentity, through the resources array, and four levels down.
var diffTargets = []string{
	"sourceIPAddress", "userIdentity.accessKeyId", "resources.ARN",
	"userIdentity.sessionContext.sessionIssuer.arn", "userIdentity.arn",
}

// spellKey writes name as a JSON key the translator decodes to a key that matches it
// (case folded): as it is, re-cased, with a letter escaped, or with a letter that folds
// to an ASCII one ('ſ' to s, the Kelvin sign to k).
func spellKey(name string, how uint32) string {
	switch how % 4 {
	case 1:
		var b strings.Builder
		for i, r := range name {
			if how>>(2+uint(i%28))&1 == 1 {
				r = unicode.ToUpper(r)
			} else {
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
		return `"` + b.String() + `"`
	case 2:
		i := int(how>>2) % len(name)
		return `"` + name[:i] + fmt.Sprintf(`\u%04X`, name[i]) + name[i+1:] + `"`
	case 3:
		if i := strings.IndexAny(name, "sS"); i >= 0 {
			return `"` + name[:i] + "ſ" + name[i+1:] + `"`
		}
		if i := strings.IndexAny(name, "kK"); i >= 0 {
			return `"` + name[:i] + "\u212A" + name[i+1:] + `"`
		}
		return `"` + strings.ToUpper(name) + `"`
	}
	return `"` + name + `"`
}

// diffCase is one record built by the fuzz: base with the secret placed at path.
type diffCase struct {
	rec                []byte
	secret, secretText string
}

// buildDiffCase places a unique secret at path in base (a JSON object): either as a new
// top-level member (before, among or after base's members, so that it may repeat a key)
// or inside base's own object at the path's first key. Keys are spelled by spell, the
// value is a string (plain or escaped) or an object or array holding it, and the path's
// objects may sit in arrays nested deep. ok is false when base does not fit.
func buildDiffCase(base []byte, target uint8, spell uint32, place uint8, depth uint8, form uint8) (c diffCase, path string, ok bool) {
	var p cjson.Parser
	if p.Parse(string(base)) != nil {
		return c, "", false
	}
	path = diffTargets[int(target)%len(diffTargets)]
	c.secret = fmt.Sprintf("Zq9sEcReT%08x", crc32.ChecksumIEEE(base)^spell)
	if strings.Contains(string(base), c.secret[:9]) {
		return c, "", false
	}
	c.secretText = c.secret
	var value string
	switch form % 4 {
	case 0:
		value = `"` + c.secret + `"`
	case 1: // escaped: the raw text differs from the decoded value
		c.secretText = `\u005A` + c.secret[1:]
		value = `"` + c.secretText + `"`
	case 2:
		value = `{"v":"` + c.secret + `"}`
	case 3:
		value = `["` + c.secret + `"]`
	}
	comps := strings.Split(path, ".")
	wrapAt := int(place>>2) % len(comps) // the key whose object value sits in arrays
	nest := int(depth) % 150             // past the translator's MaxDepth (64) too
	// memberFor writes the member of comps[k], holding the rest of the path.
	var memberFor func(k int) string
	memberFor = func(k int) string {
		key := spellKey(comps[k], spell>>uint(3*k))
		if k == len(comps)-1 {
			return key + ":" + value
		}
		inner := "{" + memberFor(k+1) + "}"
		if k == wrapAt {
			inner = strings.Repeat("[", nest) + inner + strings.Repeat("]", nest)
		}
		return key + ":" + inner
	}
	member := memberFor(0)
	if form&4 != 0 { // a sibling nested 300 deep, as in issue 10
		member += `,"zz":` + strings.Repeat("[", 300) + strings.Repeat("]", 300)
	}
	text := string(base)
	obj := 0 // insert into the record itself
	if place&2 != 0 && len(comps) > 1 {
		// into the record's own object at the first key, when it has one
		for _, m := range p.Members(0) {
			if m.Val != cjson.NoValue && p.Tape[m.Val].Kind == cjson.Object && strings.EqualFold(m.Key, comps[0]) {
				obj, member = m.Val, memberFor(1)
				break
			}
		}
	}
	at := int(p.Tape[obj].Start) + 1
	switch {
	case place&1 == 1 && p.Tape[obj].N > 0:
		// after the object's members: before its closing brace
		end := int(p.Tape[obj].TextEnd) - 1
		c.rec = []byte(text[:end] + "," + member + text[end:])
	case p.Tape[obj].N > 0:
		c.rec = []byte(text[:at] + member + "," + text[at:])
	default:
		c.rec = []byte(text[:at] + member + text[at:])
	}
	return c, path, true
}

func corpusRecords(tb testing.TB) [][]byte {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "testdata", "cloudtrail-records", "*.ndjson"))
	var recs [][]byte
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			recs = append(recs, append([]byte(nil), sc.Bytes()...))
		}
		_ = fh.Close()
	}
	return recs
}

// FuzzRedactDifferential places a secret at a chosen field of a record, spelled every way
// the translator still maps it, and checks that after redaction and translation no
// attribute and no body (raw or map) holds it, for both actions.
func FuzzRedactDifferential(f *testing.F) {
	for i, rec := range corpusRecords(f) {
		u := uint32(i) * 2654435761
		f.Add(rec, uint8(i), u, uint8(i>>3), uint8(i*7), uint8(i>>1))
	}
	f.Add([]byte(`{}`), uint8(2), uint32(0), uint8(4), uint8(100), uint8(4))
	f.Fuzz(func(t *testing.T, base []byte, target uint8, spell uint32, place, depth, form uint8) {
		c, path, ok := buildDiffCase(base, target, spell, place, depth, form)
		if !ok {
			return
		}
		if !json.Valid(c.rec) {
			t.Fatalf("the test built invalid JSON: %s", c.rec)
		}
		if leak(t, c.rec, c.secret, c.secretText) == "" {
			t.Fatalf("unredacted, the secret should be exported: %s", c.rec)
		}
		for _, action := range []Action{Drop, Hash} {
			out, err := New([]string{path}, action, "k").Record(c.rec)
			if err != nil {
				t.Fatalf("a valid record nested less than MaxDepth was refused: %v\n%s", err, c.rec)
			}
			if where := leak(t, out, c.secret, c.secretText); where != "" {
				t.Fatalf("%s (action %d) leaked in %s\nin:  %s\nout: %s", path, action, where, c.rec, out)
			}
			if !json.Valid(out) {
				t.Fatalf("invalid output %s", out)
			}
		}
	})
}
