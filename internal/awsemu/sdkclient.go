// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"net/http"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// NewHTTPClient returns an HTTP client for aws-sdk-go-v2 clients that talk to the
// emulator (set it as the service client's Options.HTTPClient). It carries the receiver's
// own fix (cloudtrail.WrapTransport) for a client-side race that a local, near-instant
// server exposes; Options.MinLatency makes that race rare for other clients.
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: WrapTransport(http.DefaultTransport.(*http.Transport).Clone())}
}

// WrapTransport is cloudtrail.WrapTransport.
func WrapTransport(base http.RoundTripper) http.RoundTripper {
	return cloudtrail.WrapTransport(base)
}
