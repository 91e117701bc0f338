// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

func s3Client(endpoint string) *s3.Client {
	return s3.NewFromConfig(testAWSConfig(), func(o *s3.Options) {
		o.BaseEndpoint, o.UsePathStyle = aws.String(endpoint), true
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

func putObjects(t *testing.T, c *s3.Client, bucket string, objects map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	if err != nil && !strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") {
		require.NoError(t, err)
	}
	for k, v := range objects {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader(v)})
		require.NoError(t, err, k)
	}
}

func keyWithSpaces(name string) string {
	return fmt.Sprintf("team logs/a+b/%s", trailKey("123456789012", "us-east-1", name))
}
