// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
)

// idSink is an OTLP/HTTP logs endpoint (protobuf) that counts the event IDs it receives,
// in total and per trail file. It keeps no records.
type idSink struct {
	srv     *httptest.Server
	mu      sync.Mutex
	ids     map[string]int
	perFile map[int]int
	records int
}

func startIDSink(t *testing.T) *idSink {
	s := &idSink{ids: map[string]int{}, perFile: map[int]int{}}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *idSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return // the sender went away: nothing was received
	}
	req := plogotlp.NewExportRequest()
	if err := req.UnmarshalProto(b); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var ids []string
	rls := req.Logs().ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				v, _ := lrs.At(k).Attributes().Get("aws.cloudtrail.event_id")
				ids = append(ids, v.Str())
			}
		}
	}
	s.mu.Lock()
	for _, id := range ids {
		s.ids[id]++
		s.perFile[fileOf(id)]++
	}
	s.records += len(ids)
	s.mu.Unlock()
	resp, err := plogotlp.NewExportResponse().MarshalProto()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(resp)
}

// fileCount is how many records of file n arrived (duplicates included).
func (s *idSink) fileCount(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perFile[n]
}

func (s *idSink) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.records
}

// addTo adds the sink's counts per event ID to into.
func (s *idSink) addTo(into map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, n := range s.ids {
		into[id] += n
	}
}
