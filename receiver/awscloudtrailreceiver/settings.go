// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// streamSettings turns the config into the settings every stream shares.
func (r *cloudtrailReceiver) streamSettings() (poll.Settings, error) {
	start, err := parseStartAt(r.cfg.StartAt, r.now())
	if err != nil {
		return poll.Settings{}, err
	}
	var names map[string]bool
	if len(r.cfg.EventNames) > 0 {
		names = make(map[string]bool, len(r.cfg.EventNames))
		for _, n := range r.cfg.EventNames {
			names[n] = true
		}
	}
	return poll.Settings{
		Redact:        r.redactor(),
		MaxEventDelay: r.cfg.MaxEventDelay,
		Start:         start,
		EventNames:    names,
		ReadOnly:      r.cfg.ReadOnly.filter(),
		Translate: translate.Options{
			Body:         r.cfg.Body.mode(),
			ScopeName:    metadata.ScopeName,
			ScopeVersion: r.set.BuildInfo.Version,
		},
	}, nil
}

// redactor is the configured redaction; nil (no redact section) changes nothing.
func (r *cloudtrailReceiver) redactor() *redact.Redactor {
	rc := r.cfg.Redact.Get()
	if rc == nil {
		return nil
	}
	return redact.New(rc.Fields, rc.Action.action(), string(rc.HashKey))
}
