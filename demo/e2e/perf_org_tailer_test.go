// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
)

// orgTailer is the organisation run's OTLP/HTTP logs endpoint: it keeps, per
// account-region, the distinct history events (eventTime before history) and the lag
// of every event (arrival - eventTime), without writing millions of records to a file.
type orgTailer struct {
	history time.Time
	mu      sync.Mutex
	seen    map[string]struct{}
	per     map[string]*orgStream // "account region"
	target  int                   // history events per stream
}

type orgStream struct {
	history  int
	caughtAt time.Time // when history reached the target
	lags     []orgLag
}

type orgLag struct {
	eventTime time.Time
	lag       time.Duration
}

func newOrgTailer(history time.Time, target int) *orgTailer {
	return &orgTailer{history: history, target: target, seen: map[string]struct{}{}, per: map[string]*orgStream{}}
}

// serve starts the endpoint until the test ends and returns its base URL.
func (ot *orgTailer) serve(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		now := time.Now()
		req := plogotlp.NewExportRequest()
		if err == nil {
			err = req.UnmarshalProto(body)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ot.note(req.Logs(), now)
		b, _ := plogotlp.NewExportResponse().MarshalProto()
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func (ot *orgTailer) note(ld plog.Logs, now time.Time) {
	ot.mu.Lock()
	defer ot.mu.Unlock()
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		rl := ld.ResourceLogs().At(i)
		acct, _ := rl.Resource().Attributes().Get("cloud.account.id")
		region, _ := rl.Resource().Attributes().Get("cloud.region")
		key := acct.Str() + " " + region.Str()
		s := ot.per[key]
		if s == nil {
			s = &orgStream{}
			ot.per[key] = s
		}
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			lrs := rl.ScopeLogs().At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				id, _ := lrs.At(k).Attributes().Get("aws.cloudtrail.event_id")
				if _, dup := ot.seen[id.Str()]; dup {
					continue
				}
				ot.seen[id.Str()] = struct{}{}
				at := lrs.At(k).Timestamp().AsTime()
				if at.Before(ot.history) {
					s.history++
				}
				s.lags = append(s.lags, orgLag{eventTime: at, lag: now.Sub(at)})
			}
		}
		if s.history >= ot.target && s.caughtAt.IsZero() {
			s.caughtAt = now
		}
	}
}

// caughtUp counts the account-regions that exported the target number of history
// events.
func (ot *orgTailer) caughtUp() int {
	ot.mu.Lock()
	defer ot.mu.Unlock()
	n := 0
	for _, s := range ot.per {
		if !s.caughtAt.IsZero() {
			n++
		}
	}
	return n
}

// current counts the account-regions that exported an event of the last within, that
// is, whose reading reached the present (after the catch-up, the live events of the
// catch-up's minutes are read too).
func (ot *orgTailer) current(now time.Time, within time.Duration) int {
	ot.mu.Lock()
	defer ot.mu.Unlock()
	n := 0
	for _, s := range ot.per {
		for i := len(s.lags) - 1; i >= 0 && i >= len(s.lags)-50; i-- {
			if s.lags[i].eventTime.After(now.Add(-within)) {
				n++
				break
			}
		}
	}
	return n
}

// events counts the distinct events exported.
func (ot *orgTailer) events() int {
	ot.mu.Lock()
	defer ot.mu.Unlock()
	return len(ot.seen)
}

// liveLags returns, per account-region, the lags of the events that happened in
// (from, to].
func (ot *orgTailer) liveLags(from, to time.Time) map[string][]time.Duration {
	ot.mu.Lock()
	defer ot.mu.Unlock()
	out := map[string][]time.Duration{}
	for k, s := range ot.per {
		for _, l := range s.lags {
			if l.eventTime.After(from) && !l.eventTime.After(to) {
				out[k] = append(out[k], l.lag)
			}
		}
	}
	return out
}
