// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A response that announces a Content-Length it never sends (a broken proxy, a hostile
// endpoint) costs what it sends, not what it announces: readBody sizes its buffer from
// the header, and must not take the announced 64 MB on trust for a 13-byte body.
func TestLyingContentLengthDoesNotReserveIt(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: " +
			strconv.Itoa(maxResponseBytes) + "\r\n\r\n{\"Events\":[]}")
		_ = buf.Flush()
	}))
	t.Cleanup(srv.Close)

	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, http.NoBody)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close() // readBody closes it too, and puts a reader of its bytes there
	require.Equal(t, int64(maxResponseBytes), resp.ContentLength)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = readBody(&smithyhttp.Response{Response: resp})
	runtime.ReadMemStats(&after)
	require.Error(t, err, "the body ends before its Content-Length")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20),
		"bytes allocated to read a 13-byte body announced as %d bytes", maxResponseBytes)
}
