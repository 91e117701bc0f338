// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// streamSets returns the settings of every stream of one account-region: one per event
// source (or one for all, with ["*"]), plus the Insights stream with insights: true.
// event_names, read_only and exclude_event_sources filter the management streams; the
// Insights stream keeps every Insights event.
func (r *cloudtrailReceiver) streamSets(base poll.Settings, account, region string) []poll.Settings {
	base.Account, base.Region = account, region
	if len(r.cfg.ExcludeEventSources) > 0 {
		base.ExcludeSources = make(map[string]bool, len(r.cfg.ExcludeEventSources))
		for _, s := range r.cfg.ExcludeEventSources {
			base.ExcludeSources[s] = true
		}
	}
	sets := make([]poll.Settings, 0, len(r.cfg.EventSources)+1)
	for _, source := range r.cfg.EventSources {
		set := base
		set.EventSource = source
		sets = append(sets, set)
	}
	if r.cfg.Insights {
		set := base
		set.EventSource, set.Category = cloudtrail.AllSources, cloudtrail.CategoryInsight
		set.EventNames, set.ReadOnly, set.ExcludeSources = nil, poll.ReadOnlyAll, nil
		sets = append(sets, set)
	}
	return sets
}
