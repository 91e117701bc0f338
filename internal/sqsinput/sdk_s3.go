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
	"github.com/aws/smithy-go"
)

var queueRegionRE = regexp.MustCompile(`^https?://(?:sqs\.([a-z0-9-]+)\.amazonaws\.(?:com(?:\.cn)?|eu)|([a-z0-9-]+)\.queue\.amazonaws\.com)/`)

// S3Objects is Objects over the SDK's S3 client, one client per region. A bucket's
// region is the notification's when it gives one, else DefaultRegion; when S3 answers
// that the bucket lives in another region (x-amz-bucket-region), that region is used
// from then on for the bucket. A region that is not region-shaped (from a message or an
// answer) is not used, and both the clients (maxS3Clients) and the regions learnt per
// bucket (maxBucketRegions) are bounded, so hostile messages cannot grow them.
type S3Objects struct {
	base          aws.Config
	endpoint      string
	defaultRegion string

	mu         sync.Mutex
	clients    map[string]*s3.Client
	buckets    map[string]string // bucket -> region S3 named
	maxBuckets int
}

// Bounds of S3Objects' clients and learnt bucket regions. AWS has fewer than 64 regions;
// past the bound a region's client is made for each request and not kept. Past
// maxBucketRegions the learnt regions are forgotten and learnt again from S3's answers.
const (
	maxS3Clients     = 64
	maxBucketRegions = 4096
)

// regionRE is the shape of an AWS region name: us-east-1, us-gov-west-1, eusc-de-east-1.
var regionRE = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$`)

// NewS3Objects returns Objects for the config's credentials; endpoint, when set, is a
// path-style S3 endpoint.
func NewS3Objects(cfg aws.Config, endpoint, defaultRegion string) *S3Objects {
	return &S3Objects{base: cfg, endpoint: endpoint, defaultRegion: defaultRegion,
		clients: make(map[string]*s3.Client), buckets: make(map[string]string), maxBuckets: maxBucketRegions}
}

// Open starts a GetObject and returns its body, read as it arrives.
func (o *S3Objects) Open(ctx context.Context, obj Object) (io.ReadCloser, error) {
	region := o.regionOf(obj)
	body, err := o.get(ctx, region, obj)
	if other := bucketRegion(err); other != "" && other != region {
		o.mu.Lock()
		if len(o.buckets) >= o.maxBuckets {
			clear(o.buckets)
		}
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
	if regionRE.MatchString(obj.Region) {
		return obj.Region
	}
	return o.defaultRegion
}

func (o *S3Objects) get(ctx context.Context, region string, obj Object) (io.ReadCloser, error) {
	out, err := o.client(region).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key)})
	if err != nil {
		if objectGone(err) {
			return nil, fmt.Errorf("%w: %w", ErrObjectNotFound, err)
		}
		return nil, err
	}
	return out.Body, nil
}

// objectGone tells an answer that the key is not there (NoSuchKey, or a 404 without an
// error code) from every other error. NoSuchBucket is not one: a bucket that is gone or
// misnamed (a wrong s3_endpoint) is a fault to mend, and its messages wait for the
// redrive policy instead of being deleted unread.
func objectGone(err error) bool {
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return true
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 404 {
		return false
	}
	var ae smithy.APIError
	return !errors.As(err, &ae) || ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound"
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
	if len(o.clients) < maxS3Clients {
		o.clients[region] = c
	}
	return c
}

// bucketRegion is the region S3 names in an error answer (x-amz-bucket-region), if any.
func bucketRegion(err error) string {
	var re *awshttp.ResponseError
	if err == nil || !errors.As(err, &re) || re.Response == nil {
		return ""
	}
	if r := re.Response.Header.Get("X-Amz-Bucket-Region"); regionRE.MatchString(r) {
		return r
	}
	return ""
}
