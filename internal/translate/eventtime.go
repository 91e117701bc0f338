// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"strings"
	"time"
)

// ParseEventTime parses a CloudTrail eventTime. It accepts RFC 3339
// ("2024-08-02T08:23:54Z", with or without fractional seconds, any offset, a
// lower-case "z"), and the forms found in re-published records: a space
// instead of the "T", and no zone at all ("2022-11-21 18:06:52",
// "2022-11-21 18:06:52.123456789"), which is read as UTC.
func ParseEventTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	// Without a zone; time.Parse accepts fractional seconds after "05".
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", s, time.UTC); err == nil {
		return t, true
	}
	return time.Time{}, false
}
