// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// A file of large records (requestParameters may hold 100 KB, a record up to 16 MiB) is
// handed over in batches bounded in bytes too, not only in records: max_record_batch
// records of 1 MiB would hold a gigabyte per worker. (Here 64 KiB records and a 256 KiB
// bound stand for 1 MiB records and the default 16 MiB.)
func TestBatchesAreBoundedInBytes(t *testing.T) {
	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	set.MaxBatchBytes = 256 << 10
	next := &recordingConsumer{}
	h := startInput(t, set, next)
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	const n, size = 40, 64 << 10
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"eventID":"big-%02d","eventSource":"s3.amazonaws.com","requestParameters":{"x":%q}}`, i, strings.Repeat("a", size))
	}
	b.WriteString(`]}`)
	key := trailKey("123456789012", "eu-west-1", "big")
	h.s3.put(bucket, "eu-west-1", key, gz(t, b.String()))
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	h.waitDeleted(t, 1)
	assert.Len(t, next.accepted(), n)
	next.mu.Lock()
	defer next.mu.Unlock()
	for _, records := range next.batches {
		assert.LessOrEqual(t, records*size, set.MaxBatchBytes+size, "batches %v", next.batches)
	}
}
