package awscloudtrailreceiver

import (
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadata"
)

// streamSettings turns the config into the settings every stream shares.
func (r *cloudtrailReceiver) streamSettings() (poll.Settings, error) {
	readOnly, err := parseReadOnly(r.cfg.ReadOnly)
	if err != nil {
		return poll.Settings{}, err
	}
	body, err := parseBody(r.cfg.Body)
	if err != nil {
		return poll.Settings{}, err
	}
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
	action, err := redact.ParseAction(r.cfg.Redact.Action)
	if err != nil {
		return poll.Settings{}, err
	}
	return poll.Settings{
		Redact:        redact.New(r.cfg.Redact.Fields, action, string(r.cfg.Redact.HashKey)),
		MaxEventDelay: r.cfg.MaxEventDelay,
		Start:         start,
		EventNames:    names,
		ReadOnly:      readOnly,
		Translate: translate.Options{
			Body:         body,
			ScopeName:    metadata.ScopeName,
			ScopeVersion: r.set.BuildInfo.Version,
		},
	}, nil
}
