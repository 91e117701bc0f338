// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SQSQueue is Queue over the SDK's SQS client.
type SQSQueue struct {
	Client   *sqs.Client
	QueueURL string
}

// NewSQSQueue returns a Queue for queueURL; endpoint, when set, overrides the SQS
// endpoint (VPC endpoint, local server).
func NewSQSQueue(cfg aws.Config, queueURL, endpoint string) *SQSQueue {
	client := sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return &SQSQueue{Client: client, QueueURL: queueURL}
}

// Receive long-polls for up to maxMessages messages.
func (q *SQSQueue) Receive(ctx context.Context, maxMessages int, wait, visibility time.Duration) ([]Delivery, error) {
	out, err := q.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(q.QueueURL),
		MaxNumberOfMessages:         int32(min(max(maxMessages, 1), 10)),
		WaitTimeSeconds:             seconds(wait),
		VisibilityTimeout:           seconds(visibility),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount},
	})
	if err != nil {
		return nil, err
	}
	ds := make([]Delivery, 0, len(out.Messages))
	for _, m := range out.Messages {
		n, _ := strconv.Atoi(m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
		ds = append(ds, Delivery{ID: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
			Body: aws.ToString(m.Body), ReceiveCount: n})
	}
	return ds, nil
}

// Delete removes a message for good.
func (q *SQSQueue) Delete(ctx context.Context, receiptHandle string) error {
	_, err := q.Client.DeleteMessage(ctx, &sqs.DeleteMessageInput{
		QueueUrl: aws.String(q.QueueURL), ReceiptHandle: aws.String(receiptHandle)})
	return err
}

// ChangeVisibility sets the message's visibility timeout, from now.
func (q *SQSQueue) ChangeVisibility(ctx context.Context, receiptHandle string, timeout time.Duration) error {
	_, err := q.Client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(q.QueueURL), ReceiptHandle: aws.String(receiptHandle),
		VisibilityTimeout: seconds(timeout)})
	return err
}

// seconds is d in whole seconds as SQS takes them, within 0 and 12 hours (SQS's limits).
func seconds(d time.Duration) int32 {
	return int32(min(max(d, 0), 12*time.Hour) / time.Second)
}

// QueueRegion is the region in an SQS queue URL (https://sqs.<region>.amazonaws.com/...,
// also the older <region>.queue.amazonaws.com), or "" when the URL names none.
func QueueRegion(queueURL string) string {
	m := queueRegionRE.FindStringSubmatch(queueURL)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}
