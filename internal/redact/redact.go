// Package redact removes or hashes chosen fields of a CloudTrail record before it is
// translated, so that neither the body nor any attribute carries them. It rewrites the
// record's JSON bytes in one pass: keys, their order and every other value stay as they
// were; white space between object members is dropped.
package redact // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Action is what happens to a chosen field.
type Action int

const (
	// Drop removes the field (its key and value).
	Drop Action = iota
	// Hash replaces the field's value by a keyed hash of it: equal values stay equal, so
	// counts and joins still work, but the value is gone.
	Hash
)

// ParseAction reads "drop" or "hash".
func ParseAction(s string) (Action, error) {
	switch s {
	case "drop":
		return Drop, nil
	case "hash":
		return Hash, nil
	}
	return 0, fmt.Errorf("must be drop or hash, got %q", s)
}

var pathRE = regexp.MustCompile(`^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$`)

// ValidatePath checks a field path such as "userIdentity.accessKeyId".
func ValidatePath(p string) error {
	if !pathRE.MatchString(p) {
		return errors.New("must be a dotted path of CloudTrail field names, such as userIdentity.accessKeyId")
	}
	return nil
}

// HashPrefix starts every hashed value.
const HashPrefix = "redacted:"

// Redactor rewrites records. The zero value changes nothing.
type Redactor struct {
	paths  map[string]bool // dotted paths; array elements are transparent
	action Action
	key    []byte
}

// New returns a Redactor for paths (checked with ValidatePath). key keys the hash; with
// no key, values that are few (IP addresses, account IDs) could be found again by
// hashing every candidate.
func New(paths []string, action Action, key string) *Redactor {
	r := &Redactor{paths: make(map[string]bool, len(paths)), action: action, key: []byte(key)}
	for _, p := range paths {
		r.paths[p] = true
	}
	return r
}

// Enabled reports whether the Redactor changes anything.
func (r *Redactor) Enabled() bool { return r != nil && len(r.paths) > 0 }

// Record returns record with the chosen fields dropped or hashed. A record that is not
// well-formed JSON is returned as it is, for the translator to reject.
func (r *Redactor) Record(record []byte) []byte {
	if !r.Enabled() {
		return record
	}
	w := &rewriter{r: r, in: record, out: make([]byte, 0, len(record))}
	if err := w.run(); err != nil {
		return record
	}
	return w.out
}

// hash is the replacement of a value's raw JSON text.
func (r *Redactor) hash(raw []byte) []byte {
	var sum []byte
	if len(r.key) > 0 {
		m := hmac.New(sha256.New, r.key)
		m.Write(raw)
		sum = m.Sum(nil)
	} else {
		s := sha256.Sum256(raw)
		sum = s[:]
	}
	return []byte(`"` + HashPrefix + hex.EncodeToString(sum[:16]) + `"`)
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// keyText decodes the common case of a JSON key without escapes; keys with escapes are
// matched as written.
func keyText(raw []byte) string {
	return strings.Trim(string(raw), `"`)
}
