// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package otlpfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func logs(body string) plog.Logs {
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr(body)
	return ld
}

func post(t *testing.T, url string, body []byte, contentType, encoding string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	return resp.StatusCode
}

func TestEachRequestIsOneJSONLine(t *testing.T) {
	var out bytes.Buffer
	var seen int
	srv := httptest.NewServer(NewHandler(&out, func(ld plog.Logs) { seen += ld.LogRecordCount() }))
	defer srv.Close()

	pb, err := plogotlp.NewExportRequestFromLogs(logs("proto")).MarshalProto()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, post(t, srv.URL+LogsPath, pb, "application/x-protobuf", ""))
	js, err := plogotlp.NewExportRequestFromLogs(logs("json")).MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, post(t, srv.URL+LogsPath, js, "application/json", ""))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(pb)
	require.NoError(t, zw.Close())
	assert.Equal(t, http.StatusOK, post(t, srv.URL+LogsPath, gz.Bytes(), "application/x-protobuf", "gzip"))

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 3)
	var bodies []string
	for _, l := range lines {
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(l))
		require.NoError(t, err, l)
		bodies = append(bodies, ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Body().Str())
	}
	assert.Equal(t, []string{"proto", "json", "proto"}, bodies)
	assert.Equal(t, 3, seen)
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestBadRequestsAndWriteErrorsAreRefused(t *testing.T) {
	var out bytes.Buffer
	srv := httptest.NewServer(NewHandler(&out, nil))
	defer srv.Close()
	assert.Equal(t, http.StatusBadRequest, post(t, srv.URL+LogsPath, []byte("garbage"), "application/x-protobuf", "gzip"))
	assert.Equal(t, http.StatusBadRequest, post(t, srv.URL+LogsPath, []byte("{"), "application/json", ""))
	assert.Equal(t, http.StatusBadRequest, post(t, srv.URL+LogsPath, []byte("{}"), "text/plain", ""))
	assert.Equal(t, http.StatusNotFound, post(t, srv.URL+"/v1/traces", []byte("{}"), "application/json", ""))
	assert.Empty(t, out.String(), "nothing written for refused requests")

	bad := httptest.NewServer(NewHandler(failingWriter{}, nil))
	defer bad.Close()
	pb, err := plogotlp.NewExportRequestFromLogs(logs("x")).MarshalProto()
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, post(t, bad.URL+LogsPath, pb, "application/x-protobuf", ""),
		"a failed write is retryable for the exporter")
}
