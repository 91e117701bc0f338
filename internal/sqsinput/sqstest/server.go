// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package sqstest holds test support for the SQS input: launchers of the real servers the
// integration tests use (versitygw for S3, fauxqs for SQS and SNS), and a small SQS server
// for tests of the SQS input through the real SDK
// client: one queue, the JSON protocol's ReceiveMessage (long polling, visibility
// timeout, ApproximateReceiveCount), DeleteMessage and ChangeMessageVisibility, and
// every other action refused.
package sqstest // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"

import (
	"crypto/md5" //nolint:gosec // SQS's MD5OfBody, checked by the SDK
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

type message struct {
	id, body, receipt string
	visibleAt         time.Time
	receives          int
}

// Server is one queue behind an httptest server.
type Server struct {
	*httptest.Server
	mu      sync.Mutex
	msgs    []*message
	seq     int
	notify  chan struct{}
	calls   map[string]int
	deleted []string
	counts  map[string]int // receives per message ID, kept after deletion
}

// NewServer starts a server; Close stops it.
func NewServer() *Server {
	s := &Server{notify: make(chan struct{}), calls: map[string]int{}, counts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// QueueURL is the URL of the queue.
func (s *Server) QueueURL() string { return s.URL + "/000000000000/trail-files" }

// Send adds a message and returns its ID.
func (s *Server) Send(body string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	m := &message{id: fmt.Sprintf("msg-%04d", s.seq), body: body}
	s.msgs = append(s.msgs, m)
	close(s.notify)
	s.notify = make(chan struct{})
	return m.id
}

// Calls is how often an action (ReceiveMessage, DeleteMessage, ChangeMessageVisibility) was called.
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[action]
}

// Deleted lists the IDs of the messages deleted, in order.
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

// Pending is the number of messages still in the queue (visible or not).
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// Receives is how often the message was handed out (also after it was deleted).
func (s *Server) Receives(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[id]
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonSQS.")
	var in struct {
		MaxNumberOfMessages, WaitTimeSeconds int
		VisibilityTimeout                    *int
		ReceiptHandle                        string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		fail(w, "InvalidParameterValue", err.Error())
		return
	}
	s.mu.Lock()
	s.calls[action]++
	s.mu.Unlock()
	switch action {
	case "ReceiveMessage":
		s.receive(w, r, in.MaxNumberOfMessages, in.WaitTimeSeconds, in.VisibilityTimeout)
	case "DeleteMessage":
		s.withMessage(w, in.ReceiptHandle, func(i int, m *message) {
			s.msgs = append(s.msgs[:i], s.msgs[i+1:]...)
			s.deleted = append(s.deleted, m.id)
		})
	case "ChangeMessageVisibility":
		timeout := 0
		if in.VisibilityTimeout != nil {
			timeout = *in.VisibilityTimeout
		}
		s.withMessage(w, in.ReceiptHandle, func(_ int, m *message) {
			m.visibleAt = time.Now().Add(time.Duration(timeout) * time.Second)
		})
	default:
		fail(w, "UnsupportedOperation", "not served: "+action)
	}
}

func (s *Server) withMessage(w http.ResponseWriter, receipt string, f func(int, *message)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range s.msgs {
		if m.receipt == receipt && receipt != "" {
			f(i, m)
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			_, _ = w.Write([]byte(`{}`))
			return
		}
	}
	fail(w, "ReceiptHandleIsInvalid", "the receipt handle is not valid")
}

func (s *Server) receive(w http.ResponseWriter, r *http.Request, maxN, wait int, vis *int) {
	deadline := time.Now().Add(time.Duration(wait) * time.Second)
	visibility := 30 * time.Second
	if vis != nil {
		visibility = time.Duration(*vis) * time.Second
	}
	for {
		s.mu.Lock()
		out := s.take(max(maxN, 1), visibility)
		notify := s.notify
		s.mu.Unlock()
		if len(out) > 0 || !time.Now().Before(deadline) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			_ = json.NewEncoder(w).Encode(map[string]any{"Messages": out})
			return
		}
		select {
		case <-notify:
		case <-time.After(min(time.Until(deadline), 50*time.Millisecond)): // visibility ends
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) take(n int, visibility time.Duration) []map[string]any {
	now := time.Now()
	var out []map[string]any
	for _, m := range s.msgs {
		if len(out) == n {
			break
		}
		if m.visibleAt.After(now) {
			continue
		}
		s.seq++
		m.receives++
		s.counts[m.id] = m.receives
		m.receipt = fmt.Sprintf("%s#%d", m.id, s.seq)
		m.visibleAt = now.Add(visibility)
		sum := md5.Sum([]byte(m.body)) //nolint:gosec // SQS's MD5OfBody
		out = append(out, map[string]any{"MessageId": m.id, "ReceiptHandle": m.receipt, "Body": m.body,
			"MD5OfBody": hex.EncodeToString(sum[:]), "Attributes": map[string]string{"ApproximateReceiveCount": fmt.Sprint(m.receives)}})
	}
	return out
}

func fail(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("x-amzn-query-error", "AWS.SimpleQueueService."+code+";Sender")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.sqs#" + code, "message": msg})
}
