// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import "regexp"

// Class is what a trail bucket's object is, told by its key.
type Class int

const (
	// ClassOther is an object that is not a CloudTrail log file: skipped, counted.
	ClassOther Class = iota
	// ClassTrail is a log file of management and data events (CloudTrail/).
	ClassTrail
	// ClassInsight is a log file of Insights events (CloudTrail-Insight/).
	ClassInsight
	// ClassDigest is a digest file (CloudTrail-Digest/): skipped, counted.
	ClassDigest
)

var classNames = [...]string{"other", "trail", "insight", "digest"}

func (c Class) String() string { return classNames[c] }

// trailKeyRE matches [prefix/]AWSLogs/[o-orgid/]<account>/<kind>/<region>/YYYY/MM/DD/<file>.
var trailKeyRE = regexp.MustCompile(`(?:^|/)AWSLogs/(?:o-[a-z0-9]{10,32}/)?\d{12}/` +
	`(CloudTrail|CloudTrail-Insight|CloudTrail-Digest)/[a-z0-9-]+/\d{4}/\d{2}/\d{2}/[^/]+$`)

// Classify tells a trail object's class by its (decoded) key.
func Classify(key string) Class {
	m := trailKeyRE.FindStringSubmatch(key)
	if m == nil {
		return ClassOther
	}
	switch m[1] {
	case "CloudTrail":
		return ClassTrail
	case "CloudTrail-Insight":
		return ClassInsight
	default:
		return ClassDigest
	}
}
