// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
)

// Against versitygw (a real S3 server, posix backend): S3 notifications with form-encoded
// keys, gzip and plain files, a corrupt gzip file (message left), a vanished object (404,
// skipped) and a digest (skipped unread), through the real SDK S3 client.
func TestVersityGWTrailFiles(t *testing.T) {
	endpoint := sqstest.StartVersityGW(t)
	good, plain, corrupt := keyWithSpaces("good"), trailKey("123456789012", "us-east-1", "plain"), trailKey("123456789012", "us-east-1", "corrupt")
	bad := gz(t, trailFile("c", 30))
	bad[len(bad)-6] ^= 0xff
	putObjects(t, s3Client(endpoint), "trail-bucket", map[string][]byte{
		good:      gz(t, trailFile("g", 30)),
		plain:     []byte(trailFile("p", 9)),
		corrupt:   bad,
		digestKey: []byte(`{"digestStartTime":"x"}`),
	})

	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	h := startInputWith(t, set, &recordingConsumer{}, NewS3Objects(testAWSConfig(), endpoint, "us-east-1"))
	enc := func(k string) string { return strings.ReplaceAll(url.QueryEscape(k), "%2F", "/") }
	h.q.put("good", s3EventBody("trail-bucket", "us-east-1", enc(good)))
	h.q.put("plain", fmt.Sprintf(`{"s3Bucket":"trail-bucket","s3ObjectKey":[%q]}`, plain))
	h.q.put("gone", s3EventBody("trail-bucket", "us-east-1", trailKey("123456789012", "us-east-1", "gone")))
	h.q.put("digest", s3EventBody("trail-bucket", "us-east-1", digestKey))
	h.q.put("corrupt", s3EventBody("trail-bucket", "us-east-1", corrupt))
	requireEventually(t, func() bool {
		return h.metrics.sum("message ", " deleted") == 4 && h.metrics.get("message s3_event retry") == 1
	}, "four deleted, the corrupt one left")
	assert.ElementsMatch(t, []string{"rh-good", "rh-plain", "rh-gone", "rh-digest"}, h.q.deletedIDs())
	// The corrupt file's records decompress before its CRC (checked at the end) fails:
	// they are delivered, and dropped as duplicates when the message comes back.
	assert.Len(t, h.next.accepted(), 30+9+30)
	assert.Equal(t, 1, h.metrics.get("file trail not_found"))
	assert.Equal(t, 1, h.metrics.get("file digest skipped"))
	assert.Equal(t, 1, h.metrics.get("file trail corrupt"))
	require.Equal(t, 2, h.metrics.get("file trail done"))

	h.q.put("corrupt", s3EventBody("trail-bucket", "us-east-1", corrupt))
	requireEventually(t, func() bool { return h.metrics.get("message s3_event retry") == 2 }, "left again")
	assert.Len(t, h.next.accepted(), 69, "nothing emitted twice")
	assert.Equal(t, 30, h.metrics.get("records duplicate"))
}

// A real S3 server tells a missing key (the object is gone: ErrObjectNotFound) from a
// missing bucket (not gone: the message waits for the redrive policy), through the SDK.
func TestVersityGWMissingKeyAndMissingBucket(t *testing.T) {
	endpoint := sqstest.StartVersityGW(t)
	putObjects(t, s3Client(endpoint), "trail-bucket", map[string][]byte{"other": []byte("x")})
	o := NewS3Objects(testAWSConfig(), endpoint, "us-east-1")
	_, err := o.Open(context.Background(), Object{Bucket: "trail-bucket", Key: trailKey("123456789012", "us-east-1", "gone")})
	assert.ErrorIs(t, err, ErrObjectNotFound, "missing key: %v", err)
	_, err = o.Open(context.Background(), Object{Bucket: "no-such-bucket", Key: "k"})
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrObjectNotFound, "missing bucket: %v", err)
	assert.Contains(t, err.Error(), "StatusCode: 404", "S3 answers 404 for both")
	assert.Contains(t, err.Error(), "NoSuchBucket")
}
