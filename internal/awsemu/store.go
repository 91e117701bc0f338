// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package awsemu is a local emulator of the AWS APIs this project talks to: CloudTrail
// LookupEvents, STS (GetCallerIdentity, AssumeRole), Organizations (ListAccounts) and
// the Amazon Lookout for Metrics API. It serves tests, benchmarks
// and `make run`; it is not a security boundary.
//
// Requests are routed on the X-Amz-Target header (awsJson1_1 operations such as
// CloudTrail_20131101.LookupEvents); form-encoded POSTs go to STS (awsQuery, see
// sts.go); other requests without that header go to the Lookout for Metrics API (restJson1, POST /<Operation> and /tags/{resourceArn}, all 30
// operations, state per account and region), or to Options.Fallback when set. Paths
// under AdminPrefix (/_awsemu/) are the emulator's own admin API.
//
// Authentication: Signature Version 4 headers are accepted WITHOUT checking the
// secret. The Authorization header is parsed for its Credential scope
// (Credential=AKID/DATE/REGION/SERVICE/aws4_request): the account is the role's
// account for keys that AssumeRole issued, else Options.Accounts[AKID], else
// Options.DefaultAccount, and the region is REGION. Each account-region has its own
// CloudTrail history and its own LookupEvents quota. The signature itself is never verified, so any secret key works.
//
// CloudTrail: every authenticated Lookout for Metrics call, successful or not, is
// recorded as a CloudTrail event (eventVersion 1.08, requestID equal to the
// x-amzn-RequestId response header, userIdentity from Options.Principals) that
// LookupEvents returns after Options.DeliveryDelay (default 2 to 8 minutes).
// RunWorkload drives that API with the real SDK; SeedLookoutMetrics writes millions of
// such events straight into the Store.
//
// Time: Options.Clock drives everything observable (event visibility, the 90-day
// lookup window, quotas, throttle storms, request records, resource timestamps), so
// tests can use a fake clock. Only Options.MinLatency and Faults.Latency are real time.
//
// SDK clients: give aws-sdk-go-v2 clients NewHTTPClient() as their HTTPClient. With
// the SDK's default HTTP client a near-instant local server makes responses over
// about 4 KiB fail now and then with "use of closed network connection" (a client-side
// race, see NewHTTPClient); Options.MinLatency (default 2ms) makes it rare and the
// SDK's standard retryer retries it, but only NewHTTPClient removes it.
package awsemu

import (
	"cmp"
	"maps"
	"slices"
	"sync"
	"time"
)

// Resource is one entry of a LookupEvents event's Resources list.
type Resource struct {
	ResourceType string
	ResourceName string
}

// Event is one CloudTrail event held by the emulator. CloudTrailEvent is the record's
// JSON exactly as LookupEvents returns it (Record: empty for a NewLazyRecord event). VisibleAt is when LookupEvents starts to
// return it (eventTime plus the delivery delay). Insight marks a CloudTrail Insights
// event: LookupEvents returns it only when asked for EventCategory "insight", and
// returns other events only when no EventCategory is given.
type Event struct {
	Account         string
	Region          string
	EventID         string
	RequestID       string // the record's requestID; "" for Insights events
	EventName       string
	EventSource     string
	EventTime       time.Time
	ReadOnly        bool
	Username        string
	AccessKeyID     string
	Resources       []Resource
	CloudTrailEvent string
	VisibleAt       time.Time
	Insight         bool

	lazy *RecordSpec // NewLazyRecord: the record is built from it on demand
}

// Store holds CloudTrail events per account and region, sorted newest first, the order
// LookupEvents returns them in. It is safe for concurrent use.
type Store struct {
	mu     sync.RWMutex
	events map[streamKey]*stream
}

type streamKey struct{ account, region string }

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{events: make(map[streamKey]*stream)}
}

// Add inserts events, keeping each account-region list sorted newest first. Inserting
// one event costs O(log n) comparisons plus a copy of the events between it and the
// nearer end of the list, so events newer or older than all others (live arrival,
// backfill) cost O(1) amortized. A batch of more than 16 events is sorted once and
// merged in O(n+m), so seeding millions of events is fast, in one call or in chunks.
// Events are copied (shallowly); the caller may reuse evs.
func (s *Store) Add(evs ...Event) {
	if len(evs) == 0 {
		return
	}
	owned := slices.Clone(evs) // one allocation backs every stored pointer
	groups := make(map[streamKey][]*Event)
	for i := range owned {
		k := streamKey{owned[i].Account, owned[i].Region}
		groups[k] = append(groups[k], &owned[i])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, batch := range groups {
		st := s.events[k]
		if st == nil {
			st = &stream{}
			s.events[k] = st
		}
		st.add(batch)
	}
}

// compareNewestFirst orders a before b (-1) when a is newer, or as new with a larger
// EventID.
func compareNewestFirst(a, b *Event) int {
	return compareKey(a.EventTime, a.EventID, b.EventTime, b.EventID)
}

func compareKey(at time.Time, aid string, bt time.Time, bid string) int {
	if c := bt.Compare(at); c != 0 {
		return c
	}
	switch {
	case aid > bid:
		return -1
	case aid < bid:
		return 1
	}
	return 0
}

// Snapshot calls fn with the account-region's events, newest first, under a read lock.
// fn must not keep the slice or modify the events.
func (s *Store) Snapshot(account, region string, fn func(newestFirst []*Event)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.events[streamKey{account, region}].list())
}

// Len returns the number of events held for an account and region, visible or not.
func (s *Store) Len(account, region string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.events[streamKey{account, region}].list())
}

// All returns every event, each account-region's newest first. Events are never
// modified once added, so the caller may read them after All returns, but must not
// modify them.
func (s *Store) All() []*Event {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, st := range s.events {
		n += len(st.list())
	}
	out := make([]*Event, 0, n)
	for _, k := range s.keys() {
		out = append(out, s.events[k].list()...)
	}
	return out
}

// StreamStats counts one account-region's events.
type StreamStats struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Events  int    `json:"events"`
	Visible int    `json:"visible"` // visible to LookupEvents at the time asked
}

// Streams counts the events of every account-region, and those visible at now.
func (s *Store) Streams(now time.Time) []StreamStats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []StreamStats
	for _, k := range s.keys() {
		list := s.events[k].list()
		st := StreamStats{Account: k.account, Region: k.region, Events: len(list)}
		for _, ev := range list {
			if !ev.VisibleAt.After(now) {
				st.Visible++
			}
		}
		out = append(out, st)
	}
	return out
}

// keys returns the account-regions in order; the caller holds the lock.
func (s *Store) keys() []streamKey {
	keys := slices.Collect(maps.Keys(s.events))
	slices.SortFunc(keys, func(a, b streamKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region))
	})
	return keys
}

// Reset removes every event.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = make(map[streamKey]*stream)
}
