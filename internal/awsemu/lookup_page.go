// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"time"
)

type lookupEventsOutput struct {
	Events    []eventOut `json:"Events"`
	NextToken string     `json:"NextToken,omitempty"`
}

type eventOut struct {
	EventID         string        `json:"EventId,omitempty"`
	EventName       string        `json:"EventName,omitempty"`
	ReadOnly        string        `json:"ReadOnly,omitempty"`
	AccessKeyID     string        `json:"AccessKeyId,omitempty"`
	EventTime       float64       `json:"EventTime"`
	EventSource     string        `json:"EventSource,omitempty"`
	Username        string        `json:"Username,omitempty"`
	Resources       []resourceOut `json:"Resources,omitempty"`
	CloudTrailEvent string        `json:"CloudTrailEvent,omitempty"`
}

type resourceOut struct {
	ResourceType string `json:"ResourceType,omitempty"`
	ResourceName string `json:"ResourceName,omitempty"`
}

// position is the (eventTime, eventID) key of the last event a page returned. Paging
// by key rather than by index stays correct while events are added or become visible.
type position struct {
	t  time.Time
	id string
}

// lookupPage returns up to q.max matching events, newest first, and a NextToken when
// at least one more matching event exists.
func (s *Server) lookupPage(q *lookupQuery, now time.Time, malformedRate float64) *lookupEventsOutput {
	out := &lookupEventsOutput{Events: []eventOut{}}
	s.store.Snapshot(q.account, q.region, func(list []*Event) {
		var last *Event
		for i := q.firstIndex(list); i < len(list) && !list[i].EventTime.Before(q.start); i++ {
			ev := list[i]
			if !q.matches(ev, now) {
				continue
			}
			if len(out.Events) == q.max {
				out.NextToken = encodeToken(position{last.EventTime, last.EventID}, q.hash)
				return
			}
			out.Events = append(out.Events, s.render(ev, malformedRate))
			last = ev
		}
	})
	return out
}

// firstIndex returns the index of the first event not newer than q.end and, with a
// NextToken, strictly older than its position.
func (q *lookupQuery) firstIndex(list []*Event) int {
	i := sort.Search(len(list), func(i int) bool { return !list[i].EventTime.After(q.end) })
	if q.after == nil {
		return i
	}
	j := sort.Search(len(list), func(i int) bool {
		return compareKey(q.after.t, q.after.id, list[i].EventTime, list[i].EventID) < 0
	})
	return max(i, j)
}

func (s *Server) render(ev *Event, malformedRate float64) eventOut {
	out := eventOut{
		EventID:         ev.EventID,
		EventName:       ev.EventName,
		ReadOnly:        strconv.FormatBool(ev.ReadOnly),
		AccessKeyID:     ev.AccessKeyID,
		EventTime:       float64(ev.EventTime.UnixMilli()) / 1000,
		EventSource:     ev.EventSource,
		Username:        ev.Username,
		CloudTrailEvent: ev.Record(),
	}
	for _, r := range ev.Resources {
		out.Resources = append(out.Resources, resourceOut(r))
	}
	if malformed(malformedRate, s.faults.seed, ev.EventID) {
		out.CloudTrailEvent = malform(out.CloudTrailEvent)
	}
	return out
}

// tokenData is a NextToken before base64: the position plus the query hash.
type tokenData struct {
	Time int64  `json:"t"` // Unix nanoseconds
	ID   string `json:"id"`
	Hash string `json:"h"`
}

func encodeToken(p position, hash string) string {
	b, _ := json.Marshal(tokenData{Time: p.t.UnixNano(), ID: p.id, Hash: hash})
	return base64.StdEncoding.EncodeToString(b)
}

func decodeToken(tok, hash string) (*position, *apiError) {
	invalid := badRequest("InvalidNextTokenException", "Invalid NextToken")
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		return nil, invalid
	}
	var d tokenData
	if err := json.Unmarshal(b, &d); err != nil || d.ID == "" {
		return nil, invalid
	}
	if d.Hash != hash {
		return nil, badRequest("InvalidNextTokenException",
			"NextToken was issued for a request with different parameters")
	}
	return &position{t: time.Unix(0, d.Time), id: d.ID}, nil
}

// queryHash identifies the parameters, as sent, that a NextToken stays bound to: the
// account, region, lookup attributes, time range and event category. MaxResults may
// change between pages.
func queryHash(account, region string, in *lookupEventsInput) string {
	ms := func(f *float64) *int64 {
		if f == nil {
			return nil
		}
		v := epochTime(*f).UnixMilli()
		return &v
	}
	b, _ := json.Marshal(struct {
		Account, Region string
		Attrs           []lookupAttribute
		Start, End      *int64
		Category        *string
	}{account, region, in.LookupAttributes, ms(in.StartTime), ms(in.EndTime), in.EventCategory})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
