// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any message body yields a kind without panicking, and a record only for an
// EventBridge CloudTrail event, which is then a JSON object's text.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "messages", "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m := Parse(body)
		if (m.Record != nil) != (m.Kind == KindEventBridgeRecord) {
			t.Fatalf("kind %s with record %q", m.Kind, m.Record)
		}
		if m.Record != nil && (m.Record[0] != '{' || m.Record[len(m.Record)-1] != '}') {
			t.Fatalf("record is not an object's text: %q", m.Record)
		}
		for _, o := range m.Objects {
			if o.Bucket == "" || o.Key == "" {
				t.Fatalf("object without bucket or key: %+v", o)
			}
		}
		_ = Classify(string(body))
	})
}
