// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package trailfeed

import (
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// watcher finds the events added to a store since its last scan. The store keeps each
// account-region newest first by eventTime, so a scan walks from the newest event down
// to a floor: the newest eventTime seen so far minus lookback. An event added with an
// eventTime below the floor is not found: lookback must exceed the time between a
// call and its recording (milliseconds for the emulator's calls, a second for
// lmemu.Feed).
type watcher struct {
	store    *awsemu.Store
	since    time.Time // events older than this are history, never fed
	lookback time.Duration
	streams  map[streamKey]*watchState
}

type streamKey struct{ account, region string }

type watchState struct {
	floor time.Time
	seen  map[string]time.Time // event ID -> eventTime, for events at or above floor
}

func newWatcher(store *awsemu.Store, since time.Time, lookback time.Duration) *watcher {
	return &watcher{store: store, since: since, lookback: lookback, streams: map[streamKey]*watchState{}}
}

// addStreams makes the watcher scan these account-regions from now on.
func (w *watcher) addStreams(keys []streamKey) {
	for _, k := range keys {
		if w.streams[k] == nil {
			w.streams[k] = &watchState{floor: w.since, seen: map[string]time.Time{}}
		}
	}
}

// discover adds every account-region the store holds. It costs a pass over the store.
func (w *watcher) discover(now time.Time) {
	for _, s := range w.store.Streams(now) {
		w.addStreams([]streamKey{{s.Account, s.Region}})
	}
}

// scan returns the events added since the last scan, oldest first per account-region.
func (w *watcher) scan() []awsemu.Event {
	var out []awsemu.Event
	for k, st := range w.streams {
		var fresh []awsemu.Event
		newest := st.floor
		w.store.Snapshot(k.account, k.region, func(list []*awsemu.Event) {
			for _, ev := range list {
				if ev.EventTime.Before(st.floor) {
					break
				}
				if ev.EventTime.After(newest) {
					newest = ev.EventTime
				}
				if _, ok := st.seen[ev.EventID]; ok {
					continue
				}
				st.seen[ev.EventID] = ev.EventTime
				fresh = append(fresh, *ev)
			}
		})
		for i := len(fresh) - 1; i >= 0; i-- {
			out = append(out, fresh[i])
		}
		if floor := newest.Add(-w.lookback); floor.After(st.floor) {
			st.floor = floor
			for id, at := range st.seen {
				if at.Before(floor) {
					delete(st.seen, id)
				}
			}
		}
	}
	return out
}
