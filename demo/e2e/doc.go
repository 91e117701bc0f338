// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package e2e runs the real otelcol-cloudtrail binary (built by ocb) against the
// awsemu emulator binary, as separate processes, and checks what the collector
// exports. `make demo` (part of `make test`) builds both binaries and points the tests
// at them through OTELCOL_BIN and AWSEMU_BIN; without those variables the tests are
// skipped.
package e2e
