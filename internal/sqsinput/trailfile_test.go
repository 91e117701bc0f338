// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// Every shape of trail object, end to end: what is emitted, how the file is counted and
// whether the message is deleted or left for the redrive policy.
func TestTrailFileShapes(t *testing.T) {
	rec := func(id string) string {
		return `{"eventVersion":"1.11","eventID":"` + id + `","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"eu-west-1","recipientAccountId":"123456789012"}`
	}
	huge := `{"eventID":"huge","x":"` + strings.Repeat("a", cjson.DefaultMaxRecordSize) + `"}`
	trail := trailKey("123456789012", "eu-west-1", "f")
	insight := strings.Replace(trail, "/CloudTrail/", "/CloudTrail-Insight/", 1)
	digest := strings.Replace(trail, "/CloudTrail/", "/CloudTrail-Digest/", 1)
	truncated := gz(t, `{"Records":[`+rec("a")+`,`+rec("b")+`]}`)
	tests := []struct {
		name, key string
		content   []byte
		emitted   []string
		file      string // "<class> <outcome>"
		deleted   bool
	}{
		{"empty Records", trail, gz(t, `{"Records":[]}`), nil, "trail done", true},
		{"no Records", trail, []byte(`{"other":[1]}`), nil, "trail done", true},
		{"Records not an array", trail, []byte(`{"Records":{"a":1}}`), nil, "trail corrupt", false},
		{"Records null", trail, []byte(`{"Records":null}`), nil, "trail corrupt", false},
		{"empty object", trail, nil, nil, "trail corrupt", false},
		{"truncated gzip", trail, truncated[:len(truncated)-20], []string{"a"}, "trail corrupt", false},
		{"gzip of garbage", trail, append([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, []byte("garbage, not deflate")...), nil, "trail corrupt", false},
		{"plain JSON with BOM", trail, []byte("\xef\xbb\xbf" + `{"Records":[` + rec("a") + `]}`), []string{"a"}, "trail done", true},
		// Plain: compressing 16 MiB under the race detector takes seconds.
		{"a record over 16 MiB", trail, []byte(`{"Records":[` + rec("a") + `,` + huge + `,` + rec("b") + `]}`), []string{"a"}, "trail corrupt", false},
		{"insight file", insight, gz(t, `{"Records":[`+rec("i")+`]}`), []string{"i"}, "insight done", true},
		{"digest file", digest, gz(t, `{"Records":[`+rec("d")+`]}`), nil, "digest skipped", true},
		{"not a trail file", "AWSLogs/123456789012/elasticloadbalancing/x.log.gz", []byte("x"), nil, "other skipped", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := defaultSettings()
			set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
			h := startInput(t, set, &recordingConsumer{})
			h.s3.put(bucket, "eu-west-1", tt.key, tt.content)
			h.q.put("m1", s3EventBody(bucket, "eu-west-1", tt.key))
			// Generous: 16 MiB through the race detector on a loaded machine takes seconds.
			require.Eventually(t, func() bool { return h.metrics.sum("message s3_event ", "") == 1 }, time.Minute, 5*time.Millisecond, "message handled")
			assert.Equal(t, 1, h.metrics.get("file "+tt.file), "%v", h.metrics)
			assert.Equal(t, tt.emitted, h.next.accepted())
			if tt.deleted {
				assert.Equal(t, []string{"rh-m1"}, h.q.deletedIDs())
			} else {
				assert.Empty(t, h.q.deletedIDs())
				assert.Equal(t, 1, h.metrics.get("message s3_event retry"))
			}
		})
	}
}
