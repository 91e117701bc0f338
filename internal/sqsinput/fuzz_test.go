// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any message body yields a kind without panicking, and a record only for an
// EventBridge CloudTrail event, which is then a JSON object's text; no object twice.
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
		seen := map[[2]string]bool{}
		for _, o := range m.Objects {
			if o.Bucket == "" || o.Key == "" {
				t.Fatalf("object without bucket or key: %+v", o)
			}
			if seen[[2]string{o.Bucket, o.Key}] {
				t.Fatalf("object named twice: %+v", o)
			}
			seen[[2]string{o.Bucket, o.Key}] = true
		}
		_ = Classify(string(body))
	})
}
