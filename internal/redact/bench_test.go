// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package redact

import "testing"

// BenchmarkRedact is the cost redaction adds per record, on the first 1,000 records of the
// shared corpus, with the fields of the README's example.
//
//	go test -run '^$' -bench Redact -benchmem -count 6 ./internal/redact/
func BenchmarkRedact(b *testing.B) {
	recs := corpusRecords(b)
	if len(recs) < 1000 {
		b.Skip("the shared CloudTrail records are not beside this repository")
	}
	recs = recs[:1000]
	fields := []string{"userIdentity.accessKeyId", "userIdentity.principalId", "userIdentity.arn", "sourceIPAddress"}
	for _, a := range []struct {
		name   string
		action Action
	}{{"drop", Drop}, {"hash", Hash}} {
		b.Run(a.name, func(b *testing.B) {
			r := New(fields, a.action, "k")
			var n int64
			for _, rec := range recs {
				n += int64(len(rec))
			}
			b.SetBytes(n)
			b.ReportAllocs()
			for b.Loop() {
				for _, rec := range recs {
					if _, err := r.Record(rec); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/event")
		})
	}
}
