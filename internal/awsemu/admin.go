// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// AdminPrefix is the path prefix of the emulator's own admin API, served next to the
// AWS APIs (no AWS path starts with it):
//
//	GET  /_awsemu/events    every stored event as NDJSON (eventID, requestID, eventName,
//	                        eventSource, eventTime, visibleAt, account, region);
//	                        ?eventSource= filters
//	GET  /_awsemu/stats     request counters, event counts per account-region
//	GET  /_awsemu/rates     per account-region: requests, throttled and the most in any
//	                        window, of ?operation= (LookupEvents) and ?window= (1s)
//	GET  /_awsemu/faults    the fault knobs
//	PUT  /_awsemu/faults    replace the fault knobs (JSON Faults; durations as "250ms")
//
// Extensions add endpoints with HandleAdmin: the demo module's Lookout for Metrics
// emulator serves POST /_awsemu/workload, a live workload against this server.
const AdminPrefix = "/_awsemu/"

// adminState holds the endpoints extensions added and tracks their jobs (RunJob).
type adminState struct {
	handlers map[string]http.HandlerFunc // by "METHOD name"

	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	running int
}

func newAdminState() *adminState {
	a := &adminState{handlers: map[string]http.HandlerFunc{}}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	return a
}

// stop cancels the running workloads and waits for them.
func (a *adminState) stop() {
	a.mu.Lock()
	a.cancel()
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.mu.Unlock()
	a.wg.Wait()
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	endpoint := r.Method + " " + strings.TrimPrefix(r.URL.Path, AdminPrefix)
	if h, ok := s.admin.handlers[endpoint]; ok {
		h(w, r)
		return
	}
	switch endpoint {
	case "GET events":
		s.adminEvents(w, r)
	case "GET stats":
		WriteJSON(w, http.StatusOK, s.adminStats())
	case "GET rates":
		s.adminRates(w, r)
	case "GET faults":
		WriteJSON(w, http.StatusOK, faultsDoc(s.Faults()))
	case "PUT faults":
		var doc faultsJSON
		if err := json.NewDecoder(r.Body).Decode(&doc); err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
			return
		}
		s.SetFaults(doc.faults())
		WriteJSON(w, http.StatusOK, faultsDoc(s.Faults()))
	default:
		WriteJSON(w, http.StatusNotFound, map[string]string{"message": "no admin endpoint " + r.Method + " " + r.URL.Path})
	}
}

type eventLine struct {
	EventID     string    `json:"eventID"`
	RequestID   string    `json:"requestID"`
	EventName   string    `json:"eventName"`
	EventSource string    `json:"eventSource"`
	EventTime   time.Time `json:"eventTime"`
	VisibleAt   time.Time `json:"visibleAt"`
	Account     string    `json:"account"`
	Region      string    `json:"region"`
}

func (s *Server) adminEvents(w http.ResponseWriter, r *http.Request) {
	source := r.URL.Query().Get("eventSource")
	w.Header().Set("Content-Type", "application/x-ndjson")
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	for _, ev := range s.store.All() {
		if source != "" && ev.EventSource != source {
			continue
		}
		if enc.Encode(eventLine{EventID: ev.EventID, RequestID: ev.RequestID, EventName: ev.EventName,
			EventSource: ev.EventSource, EventTime: ev.EventTime, VisibleAt: ev.VisibleAt,
			Account: ev.Account, Region: ev.Region}) != nil {
			return // the client went away
		}
	}
	_ = bw.Flush()
}

// AdminStats is the body of GET /_awsemu/stats.
type AdminStats struct {
	Requests         Stats         `json:"requests"`
	Events           int           `json:"events"`
	VisibleEvents    int           `json:"visibleEvents"`
	Streams          []StreamStats `json:"streams"`
	WorkloadsRunning int           `json:"workloadsRunning"`
}

func (s *Server) adminStats() AdminStats {
	st := AdminStats{Requests: s.Stats(), Streams: s.store.Streams(s.opts.Clock())}
	for _, ss := range st.Streams {
		st.Events += ss.Events
		st.VisibleEvents += ss.Visible
	}
	s.admin.mu.Lock()
	st.WorkloadsRunning = s.admin.running
	s.admin.mu.Unlock()
	return st
}

// WriteJSON answers status with v as one line of JSON, as the admin API does.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
