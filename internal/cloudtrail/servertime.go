// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"errors"
	"net/http"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// serverTime returns the server time the SDK recorded from a response's Date header.
func serverTime(md middleware.Metadata) time.Time {
	t, ok := awsmiddleware.GetServerTime(md)
	if !ok {
		return time.Time{}
	}
	return t.UTC()
}

// ServerTimeOf returns the server's clock from the Date header of the error response
// behind err, if there was one.
func ServerTimeOf(err error) (time.Time, bool) {
	var respErr *awshttp.ResponseError
	if !errors.As(err, &respErr) || respErr.Response == nil || respErr.Response.Response == nil {
		return time.Time{}, false
	}
	t, perr := http.ParseTime(respErr.Response.Header.Get("Date"))
	if perr != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// IsInvalidTimeRange reports whether LookupEvents refused the query's time range.
func IsInvalidTimeRange(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidTimeRangeException"
}
