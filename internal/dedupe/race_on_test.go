// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

//go:build race

package dedupe

const raceDetector = true
