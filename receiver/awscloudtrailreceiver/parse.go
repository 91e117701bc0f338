// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"fmt"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// maxLookback is how far back CloudTrail event history reaches.
const maxLookback = poll.Retention

// parseStartAt turns start_at into a time: "now", a duration to look back, or an
// RFC3339 time. Anything older than CloudTrail's 90 days is clamped to them. The result
// is floored to the second: CloudTrail's eventTime has whole seconds, so a call made
// just after a sub-second start carries an eventTime just before it.
func parseStartAt(s string, now time.Time) (time.Time, error) {
	t, err := parseStartAtExact(s, now)
	return t.Truncate(time.Second), err
}

func parseStartAtExact(s string, now time.Time) (time.Time, error) {
	var t time.Time
	if s == "now" || s == "" {
		return now, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("start_at: a look-back duration must be positive, got %q", s)
		}
		t = now.Add(-d)
	} else if t, err = time.Parse(time.RFC3339, s); err != nil {
		return time.Time{}, fmt.Errorf("start_at: must be now, a duration such as 24h, or an RFC3339 time, got %q", s)
	} else if t.After(now) {
		return time.Time{}, fmt.Errorf("start_at: %q is in the future", s)
	}
	if oldest := now.Add(-maxLookback); t.Before(oldest) {
		t = oldest
	}
	return t, nil
}
