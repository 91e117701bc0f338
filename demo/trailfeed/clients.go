// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package trailfeed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// NewS3 is an S3 client of a local server (path-style addressing) in region.
func NewS3(endpoint, region string, creds aws.CredentialsProvider, hc *http.Client) *s3.Client {
	return s3.New(s3.Options{Region: region, BaseEndpoint: aws.String(endpoint), Credentials: creds,
		HTTPClient: hc, UsePathStyle: true})
}

// NewSQS is an SQS client of a local server in region.
func NewSQS(endpoint, region string, creds aws.CredentialsProvider, hc *http.Client) *sqs.Client {
	return sqs.New(sqs.Options{Region: region, BaseEndpoint: aws.String(endpoint), Credentials: creds, HTTPClient: hc})
}

// EnsureBucket creates bucket unless it exists.
func EnsureBucket(ctx context.Context, c *s3.Client, bucket string) error {
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	var owned *s3types.BucketAlreadyOwnedByYou
	var exists *s3types.BucketAlreadyExists
	if err != nil && !errors.As(err, &owned) && !errors.As(err, &exists) {
		return fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	return nil
}

// EnsureQueue creates the queue that queueURL names (its last path element) unless it
// exists, and returns the URL the server gives it.
func EnsureQueue(ctx context.Context, c *sqs.Client, queueURL string) (string, error) {
	name := path.Base(queueURL)
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("create queue %s: %w", name, err)
	}
	return aws.ToString(out.QueueUrl), nil
}
