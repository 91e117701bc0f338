// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import "testing"

// A member given twice, the first time with a value of the wrong type, is read as the
// SDK reads it: the SDK's decoder keeps the last value (a map) and never sees the first,
// so it reads the page; encoding/json reports the first one's type error.
func TestDuplicateMemberOfWrongTypeFirstReadAsSDK(t *testing.T) {
	srv := newCannedServer(t)
	client := newClient(t, srv.url, noRetries)
	for _, body := range []string{
		`{"Events":[{"EventId":1,"EventId":"a","EventTime":1637228462}]}`,
		`{"Events":[{"EventId":"a","EventTime":"x","EventTime":1637228462}]}`,
		`{"Events":{},"Events":[{"EventId":"a"}],"NextToken":"t"}`,
		`{"Events":[{"EventId":"a","Resources":[{"ResourceName":true,"ResourceName":"n"}]}]}`,
		`{"Events":[{"EventId":"a","CloudTrailEvent":7,"CloudTrailEvent":"{\"k\":1}"}],"NextToken":1,"NextToken":"t"}`,
	} {
		sameAsSDK(t, srv, client, []byte(body))
	}
}
