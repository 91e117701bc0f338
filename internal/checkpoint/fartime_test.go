// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package checkpoint

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A seen ID's time far from the settled point (a hostile or broken server's eventTime:
// centuries off, with nanoseconds, or none at all) must not come back from a save on
// the other side of the settled point: the offset it is stored as overflowed, and an ID
// kept for the future came back from the past (or one from the past stayed for decades).
func TestSeenTimesFarFromSettledSurviveASave(t *testing.T) {
	settled := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	times := []time.Time{
		time.Date(1700, 1, 1, 0, 0, 0, 5, time.UTC),
		time.Date(2250, 1, 1, 0, 0, 0, 5, time.UTC),
		{},
		time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		settled.Add(-time.Second), settled, settled.Add(time.Nanosecond), settled.Add(100 * 365 * 24 * time.Hour),
	}
	for _, viaAdd := range []bool{true, false} {
		st := State{Settled: settled, Head: settled, Seen: map[string]time.Time{}}
		for i, at := range times {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			if viaAdd {
				st.Add(id, at)
			} else {
				st.Seen[id] = at
			}
		}
		b, err := Marshal(st)
		require.NoError(t, err)
		got, err := Unmarshal(b)
		require.NoError(t, err)
		for i, at := range times {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			back, ok := got.Seen[id]
			require.True(t, ok)
			assert.Equal(t, at.Before(settled), back.Before(settled), "add=%t %s came back as %s", viaAdd, at, back)
			if d := at.Sub(settled); d > -100*365*24*time.Hour && d < 100*365*24*time.Hour {
				assert.True(t, at.Equal(back), "add=%t %s came back as %s", viaAdd, at, back)
			}
		}
	}
}
