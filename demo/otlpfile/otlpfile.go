// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package otlpfile is an OTLP/HTTP logs endpoint that appends every request it accepts
// to a writer as one line of OTLP JSON, the format of the contrib file exporter. The
// demo's collectors export to it with the core otlp_http exporter, so the end-to-end
// tests and `make run` read their output from a file without a file exporter in the
// distribution.
package otlpfile

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
)

// LogsPath is the OTLP/HTTP logs path.
const LogsPath = "/v1/logs"

// maxBody bounds a request body, compressed or not.
const maxBody = 64 << 20

// Handler serves POST /v1/logs, in protobuf or JSON, gzip-compressed or not.
type Handler struct {
	mu     sync.Mutex
	w      io.Writer
	onLogs func(plog.Logs)
}

// NewHandler returns a handler that appends to w. onLogs, if not nil, sees every
// request's logs after they were written.
func NewHandler(w io.Writer, onLogs func(plog.Logs)) *Handler {
	return &Handler{w: w, onLogs: onLogs}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != LogsPath || r.Method != http.MethodPost {
		http.Error(w, "only POST "+LogsPath, http.StatusNotFound)
		return
	}
	req, isJSON, err := readRequest(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	line, err := (&plog.JSONMarshaler{}).MarshalLogs(req.Logs())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h.mu.Lock()
	_, err = h.w.Write(append(line, '\n'))
	h.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if h.onLogs != nil {
		h.onLogs(req.Logs())
	}
	writeResponse(w, isJSON)
}

func readRequest(r *http.Request) (plogotlp.ExportRequest, bool, error) {
	req := plogotlp.NewExportRequest()
	body := io.LimitReader(r.Body, maxBody)
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(body)
		if err != nil {
			return req, false, fmt.Errorf("gzip: %w", err)
		}
		defer gz.Close()
		body = io.LimitReader(gz, maxBody)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return req, false, err
	}
	switch ct := r.Header.Get("Content-Type"); ct {
	case "application/json":
		return req, true, req.UnmarshalJSON(b)
	case "application/x-protobuf":
		return req, false, req.UnmarshalProto(b)
	default:
		return req, false, fmt.Errorf("unsupported Content-Type %q", ct)
	}
}

func writeResponse(w http.ResponseWriter, isJSON bool) {
	resp := plogotlp.NewExportResponse()
	var (
		b   []byte
		err error
	)
	if isJSON {
		w.Header().Set("Content-Type", "application/json")
		b, err = resp.MarshalJSON()
	} else {
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, err = resp.MarshalProto()
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(b)
}
