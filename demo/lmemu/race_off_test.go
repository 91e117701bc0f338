// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

//go:build !race

package lmemu

const raceEnabled = false
