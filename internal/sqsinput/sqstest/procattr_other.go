// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package sqstest

import "os/exec"

// dieWithParent does nothing where the kernel has no parent-death signal.
func dieWithParent(*exec.Cmd) {}
