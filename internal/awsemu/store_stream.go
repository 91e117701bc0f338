// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import "slices"

// smallBatch is the batch size up to which a stream inserts events one by one; larger
// batches are sorted and merged in one pass.
const smallBatch = 16

// stream is one account-region's events, newest first, in buf[head:]. The room before
// head makes inserting a newest event O(1) amortized.
type stream struct {
	buf  []*Event
	head int
}

// list returns the events, newest first. A nil stream is empty.
func (st *stream) list() []*Event {
	if st == nil {
		return nil
	}
	return st.buf[st.head:]
}

func (st *stream) add(batch []*Event) {
	if len(batch) <= smallBatch {
		for _, ev := range batch {
			st.insert(insertIndex(st.list(), ev), ev)
		}
		return
	}
	sortNewestFirst(batch)
	list := st.list()
	switch {
	case len(list) == 0:
		st.buf, st.head = batch, 0
	case compareNewestFirst(list[len(list)-1], batch[0]) <= 0:
		st.buf = append(st.buf, batch...) // the whole batch is older
	case compareNewestFirst(batch[len(batch)-1], list[0]) < 0:
		st.prepend(batch) // the whole batch is newer
	default:
		st.buf, st.head = merge(list, batch), 0
	}
}

// sortNewestFirst sorts batch, in O(n) when it is already sorted either way.
func sortNewestFirst(batch []*Event) {
	if slices.IsSortedFunc(batch, compareNewestFirst) {
		return
	}
	slices.Reverse(batch)
	if !slices.IsSortedFunc(batch, compareNewestFirst) {
		slices.SortFunc(batch, compareNewestFirst)
	}
}

// insert puts ev at index i of list(), shifting whichever side is shorter.
func (st *stream) insert(i int, ev *Event) {
	n := len(st.buf) - st.head
	if i >= n/2 {
		st.buf = slices.Insert(st.buf, st.head+i, ev)
		return
	}
	if st.head == 0 {
		st.grow(max(16, n))
	}
	copy(st.buf[st.head-1:], st.buf[st.head:st.head+i])
	st.head--
	st.buf[st.head+i] = ev
}

// prepend puts batch, all newer than list(), in front of it.
func (st *stream) prepend(batch []*Event) {
	if st.head < len(batch) {
		st.grow(len(batch) + len(st.buf) - st.head)
	}
	st.head -= len(batch)
	copy(st.buf[st.head:], batch)
}

// grow reallocates with room free slots before the events.
func (st *stream) grow(room int) {
	list := st.list()
	buf := make([]*Event, room+len(list))
	copy(buf[room:], list)
	st.buf, st.head = buf, room
}

// insertIndex returns the index at which ev keeps list sorted, after equal keys.
func insertIndex(list []*Event, ev *Event) int {
	i, _ := slices.BinarySearchFunc(list, ev, func(a, b *Event) int {
		if c := compareNewestFirst(a, b); c != 0 {
			return c
		}
		return -1 // equal keys: keep searching to the right
	})
	return i
}

// merge merges two newest-first lists; on equal keys a's events come first.
func merge(a, b []*Event) []*Event {
	out := make([]*Event, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if compareNewestFirst(b[j], a[i]) < 0 {
			out = append(out, b[j])
			j++
		} else {
			out = append(out, a[i])
			i++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
