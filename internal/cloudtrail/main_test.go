// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
