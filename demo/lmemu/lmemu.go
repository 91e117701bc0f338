// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package lmemu is the Amazon Lookout for Metrics part of the local AWS emulator: the
// service's restJson1 API (all 30 operations, state per account and region), the
// CloudTrail record of every call, seeded history (SeedLookoutMetrics) and a live
// workload driven through the AWS SDK (RunWorkload). It plugs into the CloudTrail
// emulator of the product module (awsemu) as its Extension.
package lmemu

import (
	"encoding/hex"
	"net/http"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// apiError is the emulator's AWS error answer.
type apiError = awsemu.APIError

// maxBodyBytes bounds the request bodies read.
const maxBodyBytes = 1 << 20

// New returns an emulator (awsemu.New) that also serves the Lookout for Metrics API
// and the admin workload endpoint (see Install).
func New(opts awsemu.Options) *awsemu.Server {
	srv := awsemu.New(opts)
	Install(srv)
	return srv
}

// Install adds to srv, before it serves: the Lookout for Metrics API (unless
// Options.Fallback replaces it), recording each call as a CloudTrail event, and
// POST /_awsemu/workload, which runs a live workload against srv:
// {"rate":5,"duration":"1m","calls":0,"seed":1,"wait":false}; with wait it answers
// when done, with a WorkloadSummary.
func Install(srv *awsemu.Server) {
	e := &emulator{srv: srv, state: newLMState()}
	srv.SetExtension(e)
	srv.HandleAdmin(http.MethodPost, "workload", e.adminWorkload)
}

// emulator is the Lookout for Metrics API of one server.
type emulator struct {
	srv   *awsemu.Server
	state *lmState
}

// regionKey is an account-region.
type regionKey struct{ account, region string }

// formatUUID formats 16 bytes as a version 4 UUID.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
