// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"cmp"
	"net/http"
	"slices"
	"time"
)

// RateStats is what one account-region asked of one operation (GET /_awsemu/rates).
type RateStats struct {
	Account   string `json:"account"`
	Region    string `json:"region"`
	Requests  int    `json:"requests"`  // throttled ones included
	Throttled int    `json:"throttled"` // answered with ThrottlingException
	// MaxInWindow is the most requests, throttled ones included, received within any
	// window (by Options.Clock): what the client asked of the quota at its peak.
	MaxInWindow int       `json:"maxInWindow"`
	First       time.Time `json:"first"`
	Last        time.Time `json:"last"`
}

// Rates summarises the recorded requests of an operation per account-region, sorted
// by account and region; window is the span of RateStats.MaxInWindow.
func (s *Server) Rates(operation string, window time.Duration) []RateStats {
	groups := map[streamKey][]RequestRecord{}
	for _, r := range s.Requests() {
		if r.Operation == operation {
			k := streamKey{r.Account, r.Region}
			groups[k] = append(groups[k], r)
		}
	}
	out := make([]RateStats, 0, len(groups))
	for k, recs := range groups {
		st := RateStats{Account: k.account, Region: k.region, Requests: len(recs),
			MaxInWindow: MaxInWindow(recs, window), First: recs[0].Time, Last: recs[0].Time}
		for _, r := range recs {
			if r.Throttled() {
				st.Throttled++
			}
			st.First, st.Last = minTime(st.First, r.Time), maxTime(st.Last, r.Time)
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b RateStats) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	return out
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// adminRates serves GET /_awsemu/rates?operation=LookupEvents&window=1s (the defaults).
func (s *Server) adminRates(w http.ResponseWriter, r *http.Request) {
	op := cmp.Or(r.URL.Query().Get("operation"), "LookupEvents")
	window := time.Second
	if v := r.URL.Query().Get("window"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "window must be a positive duration such as 1s"})
			return
		}
		window = d
	}
	WriteJSON(w, http.StatusOK, s.Rates(op, window))
}
