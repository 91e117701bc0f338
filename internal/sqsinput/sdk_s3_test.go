// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A bucket that is gone (NoSuchBucket) or a read that is denied (AccessDenied, which S3
// also answers for a missing key when the reader may not list the bucket) can be mended:
// the message is left for another try and, if it keeps failing, for the redrive policy.
// Only a missing key (NoSuchKey) deletes the message.
func TestS3ErrorsThatLeaveTheMessage(t *testing.T) {
	for _, f := range []s3Failure{{http.StatusNotFound, "NoSuchBucket"}, {http.StatusForbidden, "AccessDenied"}} {
		t.Run(f.code, func(t *testing.T) {
			h := startInput(t, defaultSettings(), &recordingConsumer{})
			h.s3.mu.Lock()
			h.s3.fail = map[string]s3Failure{bucket: f}
			h.s3.mu.Unlock()
			h.q.put("m1", s3EventBody(bucket, "eu-west-1", trailKey("123456789012", "eu-west-1", "x")))
			requireEventually(t, func() bool { return h.metrics.get("message s3_event retry") == 1 }, "message left: %v", h.metrics)
			assert.Empty(t, h.q.deletedIDs())
			assert.Equal(t, 1, h.metrics.get("file trail s3_error"))
			assert.Zero(t, h.metrics.get("file trail not_found"))
		})
	}
}

// An S3 server that never answers the GetObject (not even its headers) is given up after
// ReadIdleTimeout, like a body that stalls: the worker is freed and the message left.
func TestS3RequestWithoutAnswerIsAbandoned(t *testing.T) {
	set := defaultSettings()
	set.ReadIdleTimeout = 50 * time.Millisecond
	h := startInput(t, set, &recordingConsumer{})
	key := trailKey("123456789012", "eu-west-1", "silent")
	h.s3.put(bucket, "eu-west-1", key, gz(t, trailFile("si", 3)))
	h.s3.holdHeaders = func(r *http.Request) { <-r.Context().Done() }
	h.q.put("m1", s3EventBody(bucket, "eu-west-1", key))
	requireEventually(t, func() bool { return h.metrics.get("message s3_event retry") == 1 }, "message left")
	assert.Equal(t, 1, h.metrics.get("file trail s3_error"))
	assert.Empty(t, h.q.deletedIDs())
}

// A notification's region that is not region-shaped is not used: the request goes to the
// default region, and no client is made for it.
func TestS3ObjectsIgnoresRegionsThatAreNoRegion(t *testing.T) {
	s3srv := newS3Server(t)
	key := trailKey("123456789012", "us-east-1", "r")
	s3srv.put(bucket, "us-east-1", key, []byte(trailFile("r", 1)))
	o := NewS3Objects(testAWSConfig(), s3srv.URL, "us-east-1")
	for _, region := range []string{"evil.example.com/x", "US-EAST-1", "us-east-1 ", "../..", strings.Repeat("a", 300)} {
		body, err := o.Open(context.Background(), Object{Bucket: bucket, Key: key, Region: region})
		require.NoError(t, err, region)
		require.NoError(t, body.Close())
	}
	assert.Equal(t, []string{"us-east-1"}, clientRegions(o))
	for _, r := range s3srv.requests() {
		assert.True(t, strings.HasPrefix(r, "us-east-1 "), r)
	}
}

// The region S3 names in x-amz-bucket-region is followed only when it is region-shaped.
func TestS3ObjectsIgnoresABucketRegionThatIsNoRegion(t *testing.T) {
	s3srv := newS3Server(t)
	key := trailKey("123456789012", "us-east-1", "r")
	s3srv.put(bucket, "evil.example.com", key, []byte(trailFile("r", 1)))
	o := NewS3Objects(testAWSConfig(), s3srv.URL, "us-east-1")
	_, err := o.Open(context.Background(), Object{Bucket: bucket, Key: key})
	require.Error(t, err)
	assert.Equal(t, []string{"us-east-1"}, clientRegions(o))
	assert.Len(t, s3srv.requests(), 1, "no second request to the named region")
}

// Messages naming ever new regions (hostile, or a bug) cannot grow the clients or the
// bucket regions without bound.
func TestS3ObjectsBoundsClientsAndBucketRegions(t *testing.T) {
	s3srv := newS3Server(t)
	key := trailKey("123456789012", "eu-west-1", "r")
	o := NewS3Objects(testAWSConfig(), s3srv.URL, "us-east-1")
	o.maxBuckets = 8
	for i := range 3 * maxS3Clients {
		b := fmt.Sprintf("bucket-%d", i)
		s3srv.put(b, "eu-west-1", key, []byte(trailFile("r", 1)))
		body, err := o.Open(context.Background(), Object{Bucket: b, Key: key, Region: fmt.Sprintf("zz-%s-1", letters(i))})
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, body)
		require.NoError(t, body.Close())
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	assert.LessOrEqual(t, len(o.clients), maxS3Clients)
	assert.LessOrEqual(t, len(o.buckets), 8)
	assert.NotEmpty(t, o.buckets, "the regions S3 named are still remembered")
}

// letters writes i in base 26 with the letters a..z.
func letters(i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		i /= 26
		if i == 0 {
			return s
		}
	}
}

func clientRegions(o *S3Objects) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for r := range o.clients {
		out = append(out, r)
	}
	return out
}
