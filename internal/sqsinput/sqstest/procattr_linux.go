// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqstest

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the server when the test binary dies without running
// its cleanups (a timeout's panic, a crash), so no server outlives its test.
func dieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
