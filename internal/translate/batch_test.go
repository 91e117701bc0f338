// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Add copies the records it is given into shared chunks: a caller that reuses its buffer,
// and the records added after them (in the same chunk, in a later batch, larger than a
// chunk holds), never change the log records of earlier ones.
func TestAddCopiesIntoSharedChunks(t *testing.T) {
	var want []string
	for i := range 400 {
		pad := strings.Repeat("x", (i*797)%(3*maxSharedRecord/2)) // some shared, some alone
		want = append(want, fmt.Sprintf(`{"eventID":"id-%03d","awsRegion":"us-east-%d","requestParameters":{"pad":%q}}`, i, i%3, pad))
	}
	require.Greater(t, len(strings.Join(want, "")), 3*textChunk, "the records fill several chunks")

	b := NewBatch(Options{Body: BodyRaw})
	buf := make([]byte, 0, 2*maxSharedRecord)
	var handed []plog.Logs
	for i, rec := range want {
		buf = append(buf[:0], rec...)
		require.NoError(t, b.Add(buf, time.Time{}, fixedObserved))
		for j := range buf {
			buf[j] = '#' // the caller reuses its buffer
		}
		if i%37 == 36 {
			handed = append(handed, b.Logs())
		}
	}
	handed = append(handed, b.Logs())

	var got []string
	for _, logs := range handed {
		for _, rl := range logs.ResourceLogs().All() {
			for _, lr := range rl.ScopeLogs().At(0).LogRecords().All() {
				id, _ := lr.Attributes().Get(AttrEventID)
				params, _ := lr.Attributes().Get(AttrRequestParameters)
				pad, _ := params.Map().Get("pad")
				var n int
				_, err := fmt.Sscanf(id.Str(), "id-%d", &n)
				require.NoError(t, err, id.Str())
				assert.Equal(t, want[n], lr.Body().Str())
				assert.Contains(t, want[n], `"pad":"`+pad.Str()+`"`)
				got = append(got, lr.Body().Str())
			}
		}
	}
	assert.ElementsMatch(t, want, got)
}
