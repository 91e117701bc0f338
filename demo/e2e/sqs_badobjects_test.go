// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 12, proof 3, through the real collector binary: a trail file whose gzip stream is
// corrupt is counted (files, outcome corrupt) and its message left in the queue, so the
// queue's redrive policy moves it to the dead-letter queue after maxReceiveCount
// receives; an object that vanished before it was read (S3 answers 404) is counted
// (not_found) and its message deleted, as retrying cannot bring it back; a good file
// beside them is exported whole.
func TestSQSCorruptAndVanishedObjects(t *testing.T) {
	bin := otelcolBin(t)
	st := newSQSStack(t, "trail-files")
	ctx := context.Background()
	const maxReceives = 3
	dlq, err := st.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("trail-files-dlq")})
	require.NoError(t, err)
	attrs, err := st.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	require.NoError(t, err)
	_, err = st.sqs.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(st.queueURL),
		Attributes: map[string]string{"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":"%d"}`,
			attrs.Attributes["QueueArn"], maxReceives)}})
	require.NoError(t, err)

	good, corrupt, vanished := trailObjectKey(1), trailObjectKey(2), trailObjectKey(3)
	_, _, content, records, err := buildTrail(1, false, clusterSize{small: 40}, "k")
	require.NoError(t, err)
	require.NoError(t, st.put(good, bytes.NewReader(content)))
	// A gzip header, then bytes that are no deflate stream.
	bad := append([]byte{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff}, bytes.Repeat([]byte{0xff, 0xfe, 0x00}, 300)...)
	require.NoError(t, st.put(corrupt, bytes.NewReader(bad)))
	// vanished is named by a notification but not in the bucket (deleted, expired).

	c := startSQSCollector(t, bin, "otelcol", st, sqsCollectorOptions{workers: 2, visibility: time.Second, eventSources: `["*"]`})
	st.notify(t, []string{good, corrupt, vanished}, []int64{int64(len(content)), int64(len(bad)), 1234})

	dlqCount := func() string {
		out, err := st.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl,
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages}})
		if err != nil {
			return err.Error()
		}
		return out.Attributes["ApproximateNumberOfMessages"]
	}
	require.Eventually(t, func() bool { return dlqCount() == "1" && st.queueEmpty() && c.sink.total() >= records },
		2*time.Minute, 100*time.Millisecond, "the corrupt file's message did not reach the dead-letter queue")
	// The message in the dead-letter queue is the corrupt file's.
	out, err := st.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 1})
	require.NoError(t, err)
	require.Len(t, out.Messages, 1)
	assert.Contains(t, aws.ToString(out.Messages[0].Body), strings.ReplaceAll(corrupt, " ", "+"))

	files := func(outcome string) float64 {
		return c.counterMetric(t, "otelcol_receiver_awscloudtrail_sqs_files", `class="trail"`, `outcome="`+outcome+`"`)
	}
	messages := func(outcome string) float64 {
		return c.counterMetric(t, "otelcol_receiver_awscloudtrail_sqs_messages", `message_kind="s3_event"`, `outcome="`+outcome+`"`)
	}
	t.Logf("files: done %v, corrupt %v, not_found %v; messages: deleted %v, retry %v; records exported %d",
		files("done"), files("corrupt"), files("not_found"), messages("deleted"), messages("retry"), c.sink.total())
	assert.Equal(t, records, c.sink.total(), "the good file, whole and once")
	assert.Equal(t, 1.0, files("done"))
	assert.Equal(t, float64(maxReceives), files("corrupt"), "the corrupt file, once per receive")
	assert.Equal(t, 1.0, files("not_found"))
	assert.Equal(t, 2.0, messages("deleted"), "the good file's and the vanished one's")
	assert.Equal(t, float64(maxReceives), messages("retry"), "the corrupt file's, left for the redrive policy")
	assert.Zero(t, c.counterMetric(t, "otelcol_receiver_awscloudtrail_sqs_files", `outcome="s3_error"`))
}
