// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/dedupe"
)

// A message naming 1,000 objects, half of them gone: every file is read, every gone one
// counted, and the message deleted.
func TestMessageNamingAThousandObjects(t *testing.T) {
	h := startInput(t, defaultSettings(), &recordingConsumer{})
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = trailKey("123456789012", "eu-west-1", fmt.Sprint("k", i))
		if i%2 == 0 {
			h.s3.put(bucket, "eu-west-1", keys[i], []byte(trailFile(fmt.Sprint("k", i), 1)))
		}
	}
	h.s3.put(bucket, "eu-west-1", "region-known", nil)
	body, err := json.Marshal(map[string]any{"s3Bucket": bucket, "s3ObjectKey": keys})
	require.NoError(t, err)
	h.q.put("m1", string(body))
	h.waitDeleted(t, 1)
	assert.Equal(t, 500, h.metrics.get("file trail done"))
	assert.Equal(t, 500, h.metrics.get("file trail not_found"))
	assert.Len(t, h.next.accepted(), 500)
}

// A message whose 1,000 objects all fail is left, and its warning names a few of the
// failures and counts the rest: one log line does not carry a thousand errors.
func TestThousandFailuresMakeOneShortWarning(t *testing.T) {
	core, logs := observer.New(zapcore.WarnLevel)
	s3srv := newS3Server(t)
	s3srv.fail = map[string]s3Failure{bucket: {http.StatusForbidden, "AccessDenied"}}
	q := newFakeQueue()
	var reports []error
	done := make(chan struct{})
	in := New(defaultSettings(), Deps{
		Queue: q, Objects: NewS3Objects(testAWSConfig(), s3srv.URL, "eu-west-1"),
		Next: &recordingConsumer{}, Dedupe: dedupe.New(time.Hour, 0, nil), Logger: zap.New(core),
		Report: func(err error) {
			if err != nil {
				reports = append(reports, err)
				close(done)
			}
		},
	})
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = trailKey("123456789012", "eu-west-1", fmt.Sprint("k", i))
	}
	body, err := json.Marshal(map[string]any{"s3Bucket": bucket, "s3ObjectKey": keys})
	require.NoError(t, err)
	q.put("m1", string(body))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); in.Run(ctx) }()
	<-done
	cancel()
	<-stopped
	require.Len(t, reports, 1)
	assert.Less(t, len(reports[0].Error()), 4096, "the error is bounded")
	assert.Contains(t, reports[0].Error(), "and 997 more")
	require.Equal(t, 1, logs.Len())
	assert.Empty(t, q.deletedIDs())
}
