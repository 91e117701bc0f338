// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail

import (
	"io"
	"net/http"
)

// WrapTransport returns a RoundTripper that hides the request body's io.WriterTo, so that
// a body closed early reads as a clean EOF. smithy-go closes the request body as soon as
// the response headers arrive; when that happens before net/http's write loop is done
// (a fast server, or one that answers before reading the whole request), the write loop
// gets an error from the closed body's WriteTo and closes the connection while the
// response is still being read ("use of closed network connection",
// aws/aws-sdk-go-v2#2737). With a plain Read/Close body the write simply ends.
func WrapTransport(base http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil && r.Body != http.NoBody {
			r = r.Clone(r.Context())
			r.Body = plainBody{r.Body}
		}
		return base.RoundTrip(r)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// plainBody exposes only Read and Close.
type plainBody struct{ rc io.ReadCloser }

func (b plainBody) Read(p []byte) (int, error) { return b.rc.Read(p) }
func (b plainBody) Close() error               { return b.rc.Close() }
