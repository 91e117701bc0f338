// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

//go:build race

package lmemu

// raceEnabled reports whether the race detector is on: it makes the million-event
// test take minutes.
const raceEnabled = true
