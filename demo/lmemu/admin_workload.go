// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// workloadRequest is the body of POST /_awsemu/workload.
type workloadRequest struct {
	Rate     float64             `json:"rate"`
	Duration awsemu.JSONDuration `json:"duration"`
	Calls    int                 `json:"calls"`
	Seed     uint64              `json:"seed"`
	Region   string              `json:"region"`
	Wait     bool                `json:"wait"`
}

// WorkloadSummary counts a workload's calls; POST /_awsemu/workload with wait
// answers with it.
type WorkloadSummary struct {
	Calls       int            `json:"calls"`
	Errors      int            `json:"errors"`
	ByOperation map[string]int `json:"byOperation"`
}

// Summarize counts calls per operation and the failed ones.
func Summarize(calls []WorkloadCall) WorkloadSummary {
	sum := WorkloadSummary{Calls: len(calls), ByOperation: map[string]int{}}
	for _, c := range calls {
		sum.ByOperation[c.Operation]++
		if c.Err != nil {
			sum.Errors++
		}
	}
	return sum
}

func (e *emulator) adminWorkload(w http.ResponseWriter, r *http.Request) {
	var req workloadRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		awsemu.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	if req.Calls <= 0 && req.Duration <= 0 && req.Wait {
		awsemu.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "wait needs calls or duration"})
		return
	}
	opts := WorkloadOptions{Endpoint: "http://" + r.Host, Region: req.Region, Rate: req.Rate,
		Duration: time.Duration(req.Duration), Calls: req.Calls, Seed: req.Seed}
	if !req.Wait {
		opts.OnCall = func(WorkloadCall) {}
		e.srv.RunJob(false, func(ctx context.Context) { _, _ = RunWorkload(ctx, opts) })
		awsemu.WriteJSON(w, http.StatusAccepted, map[string]bool{"started": true})
		return
	}
	var (
		calls []WorkloadCall
		err   error
	)
	e.srv.RunJob(true, func(ctx context.Context) { calls, err = RunWorkload(ctx, opts) })
	if err != nil {
		awsemu.WriteJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	awsemu.WriteJSON(w, http.StatusOK, Summarize(calls))
}
