// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// BenchmarkResponseCheck is the check's cost on one page of 50 events (about 100 KB):
// reading the body, validating and decoding it, per response.
func BenchmarkResponseCheck(b *testing.B) {
	var page bytes.Buffer
	page.WriteString(`{"Events":[`)
	record := strings.Repeat(`{\"eventVersion\":\"1.11\",\"requestParameters\":{\"name\":\"x\"}},`, 30)
	for i := range 50 {
		if i > 0 {
			page.WriteByte(',')
		}
		fmt.Fprintf(&page, `{"EventId":"%08d-0000-4000-8000-000000000000","EventName":"GetAnomalyGroup","CloudTrailEvent":"[%s{}]"}`, i, record)
	}
	page.WriteString(`],"NextToken":"abc"}`)
	body := page.Bytes()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		resp := &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusOK, ContentLength: int64(len(body)),
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}}, Body: io.NopCloser(bytes.NewReader(body))}}
		got, err := readBody(resp)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := decodeResult(resp.Header.Get("Content-Type"), got); err != nil {
			b.Fatal(err)
		}
	}
}
