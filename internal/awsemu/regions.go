// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"net/http"
	"slices"
	"sync"
)

// disabledRegions are the account-regions that are not enabled (opt-in regions an
// account never turned on): CloudTrail there answers UnrecognizedClientException, and
// STS RegionDisabledException, as AWS does.
type disabledRegions struct {
	mu  sync.RWMutex
	set map[streamKey]bool
}

// SetRegionEnabled enables or disables a region for an account. Every region of
// every account is enabled until disabled here; Options.STSDisabledRegions disables
// STS in a region for all accounts.
func (s *Server) SetRegionEnabled(account, region string, enabled bool) {
	s.disabled.mu.Lock()
	defer s.disabled.mu.Unlock()
	if s.disabled.set == nil {
		s.disabled.set = map[streamKey]bool{}
	}
	k := streamKey{account, region}
	if enabled {
		delete(s.disabled.set, k)
	} else {
		s.disabled.set[k] = true
	}
}

func (s *Server) regionDisabled(account, region string) bool {
	s.disabled.mu.RLock()
	defer s.disabled.mu.RUnlock()
	return s.disabled.set[streamKey{account, region}]
}

// regionNotEnabled is the answer of an awsJson1_1 service in a region the account has
// not enabled: the region knows none of the account's credentials.
func regionNotEnabled() *apiError {
	return badRequest("UnrecognizedClientException", "The security token included in the request is invalid.")
}

// stsRegionDisabled is STS's answer in a region that is not enabled.
func (s *Server) stsRegionDisabled(account, region string) *apiError {
	if !slices.Contains(s.opts.STSDisabledRegions, region) && !s.regionDisabled(account, region) {
		return nil
	}
	return &apiError{Status: http.StatusForbidden, Code: "RegionDisabledException",
		Message: "STS is not activated in this region for account:" + account +
			". Your account administrator can activate STS in this region using the IAM Console."}
}
