// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A panic of the work run under a place is the caller's, as when the work ran on the
// caller's goroutine: a recover up the caller's stack (the property test's, a
// collector's) sees it, instead of the process ending on the gate's goroutine; and the
// place is given back.
func TestGateDoPanicReachesTheCaller(t *testing.T) {
	gate := NewGate(1)
	recovered := func() (r any) {
		defer func() { r = recover() }()
		_ = gate.Do(context.Background(), func() { panic("boom") })
		return nil
	}()
	assert.Equal(t, "boom", recovered)
	assert.Zero(t, gate.InUse(), "the place is given back")
	ran := false
	require.NoError(t, gate.Do(context.Background(), func() { ran = true }))
	assert.True(t, ran)
}
