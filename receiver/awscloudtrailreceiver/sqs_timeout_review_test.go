// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The SQS input's S3 reads are bounded by their progress (ReadIdleTimeout), not by the
// AWS config's call timeout meant for STS: a trail file whose body takes longer than the
// call timeout to arrive, though it never stalls for ReadIdleTimeout, is read, not cut
// short on every delivery of its message.
func TestSQSSlowTrailFileOutlastsTheCallTimeout(t *testing.T) {
	defer func(d time.Duration) { awsCallTimeout = d }(awsCallTimeout)
	awsCallTimeout = 300 * time.Millisecond
	h := startSQSReceiver(t, func(c *Config) { c.SQS.WaitTime = 0 })
	h.s3.hold, h.s3.holding = make(chan struct{}), make(chan struct{})
	h.s3.objects["trail-bucket/"+sqsTrailKey] = gzipped(t, `{"Records":[`+lmRecord("a")+`,`+lmRecord("b")+`]}`)
	h.queue.Send(fmt.Sprintf(`{"s3Bucket":"trail-bucket","s3ObjectKey":[%q]}`, sqsTrailKey))
	<-h.s3.holding
	time.Sleep(3 * awsCallTimeout) // the rest of the body comes later than the call timeout
	close(h.s3.hold)
	require.Eventually(t, func() bool { return len(h.queue.Deleted()) == 1 }, 10*time.Second, 10*time.Millisecond,
		"the message's file was read and the message deleted")
	assert.Equal(t, 2, h.sink.LogRecordCount())
}
