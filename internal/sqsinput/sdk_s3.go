// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

var queueRegionRE = regexp.MustCompile(`^https?://(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com)/`)

// S3Objects is Objects over the SDK's S3 client, one client per region. A bucket's
// region is the notification's when it gives one, else DefaultRegion; when S3 answers
// that the bucket lives in another region (x-amz-bucket-region), that region is used
// from then on for the bucket.
type S3Objects struct {
	base          aws.Config
	endpoint      string
	defaultRegion string

	mu      sync.Mutex
	clients map[string]*s3.Client
	buckets map[string]string // bucket -> region S3 named
}

// NewS3Objects returns Objects for the config's credentials; endpoint, when set, is a
// path-style S3 endpoint.
func NewS3Objects(cfg aws.Config, endpoint, defaultRegion string) *S3Objects {
	return &S3Objects{base: cfg, endpoint: endpoint, defaultRegion: defaultRegion,
		clients: make(map[string]*s3.Client), buckets: make(map[string]string)}
}

// Open starts a GetObject and returns its body, read as it arrives.
func (o *S3Objects) Open(ctx context.Context, obj Object) (io.ReadCloser, error) {
	region := o.regionOf(obj)
	body, err := o.get(ctx, region, obj)
	if other := bucketRegion(err); other != "" && other != region {
		o.mu.Lock()
		o.buckets[obj.Bucket] = other
		o.mu.Unlock()
		body, err = o.get(ctx, other, obj)
	}
	return body, err
}

func (o *S3Objects) regionOf(obj Object) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r, ok := o.buckets[obj.Bucket]; ok {
		return r
	}
	if obj.Region != "" {
		return obj.Region
	}
	return o.defaultRegion
}

func (o *S3Objects) get(ctx context.Context, region string, obj Object) (io.ReadCloser, error) {
	out, err := o.client(region).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key)})
	if err != nil {
		var nsk *types.NoSuchKey
		var re *awshttp.ResponseError
		if errors.As(err, &nsk) || (errors.As(err, &re) && re.HTTPStatusCode() == 404) {
			return nil, fmt.Errorf("%w: %w", ErrObjectNotFound, err)
		}
		return nil, err
	}
	return out.Body, nil
}

func (o *S3Objects) client(region string) *s3.Client {
	o.mu.Lock()
	defer o.mu.Unlock()
	if c, ok := o.clients[region]; ok {
		return c
	}
	c := s3.NewFromConfig(o.base, func(opts *s3.Options) {
		opts.Region = region
		// The body is streamed; S3 sends no checksum for most trail files, and the SDK would
		// log that skip for every object.
		opts.DisableLogOutputChecksumValidationSkipped = true
		if o.endpoint != "" {
			opts.BaseEndpoint = aws.String(o.endpoint)
			opts.UsePathStyle = true
		}
	})
	o.clients[region] = c
	return c
}

// bucketRegion is the region S3 names in an error answer (x-amz-bucket-region), if any.
func bucketRegion(err error) string {
	var re *awshttp.ResponseError
	if err == nil || !errors.As(err, &re) || re.Response == nil {
		return ""
	}
	return re.Response.Header.Get("X-Amz-Bucket-Region")
}
