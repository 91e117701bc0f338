// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// ServeTLS serves h over TLS on 127.0.0.1 with httptest's self-signed certificate (its
// PEM is the server's Certificate()), and counts the connections clients open, so a test
// can tell a refused handshake from a retried one. Close the server when done.
func ServeTLS(h http.Handler) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.StartTLS()
	return ts, &conns
}
