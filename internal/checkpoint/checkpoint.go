// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package checkpoint keeps a stream's polling state: how far events are settled, how far
// they have been read, and the IDs already emitted inside the overlap window. It persists
// the state through a collector storage extension, or keeps it in memory when none is
// configured.
package checkpoint // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// State is one stream's position.
type State struct {
	// Settled: every event with an eventTime before it has been emitted, or will never be.
	Settled time.Time
	// Head: the newest eventTime up to which the stream has been read completely.
	Head time.Time
	// Seen maps the IDs emitted with eventTime >= Settled to their eventTime. Once Add
	// was used, change it only through Add and Prune, which keep its encoding up to date
	// (a direct change is detected by size and costs one full encoding).
	Seen map[string]time.Time

	log *seenLog // Seen as Marshal writes it; nil until Add
	// peak is the most IDs Seen held since its map was made (see Prune). Add and Prune
	// count it from len(Seen), so a state made with a map, a Clone's or Unmarshal's
	// included, starts with that map's size.
	peak int
}

// Clone returns a deep copy of s.
func (s State) Clone() State {
	c := State{Settled: s.Settled, Head: s.Head, Seen: make(map[string]time.Time, len(s.Seen))}
	for id, t := range s.Seen {
		c.Seen[id] = t
	}
	return c
}

// Add records an emitted ID. It also appends the ID to the state's encoding, so that a
// save copies bytes instead of encoding every ID again.
func (s *State) Add(id string, t time.Time) {
	if s.Seen == nil {
		s.Seen, s.peak = make(map[string]time.Time), 0
	}
	_, existed := s.Seen[id]
	s.Seen[id] = t
	s.peak = max(s.peak, len(s.Seen))
	if existed || s.log == nil || s.log.n()+1 != len(s.Seen) {
		s.log = newSeenLog(s.Settled.UnixNano(), s.Seen)
		return
	}
	s.log.add(id, seenNanos(t, s.log.base))
}

// Prune drops the seen IDs whose eventTime is before Settled.
//
// A map never shrinks, nor does a slice pruned in place: a stream that caught up through
// slices of thousands of events would keep their table and their encoding for good,
// while it holds tens of IDs. So once Prune leaves a quarter or less of the most IDs the
// map held, it moves them to a map and an encoding of their size. That costs O(IDs
// kept), and it takes three times as many IDs leaving first: O(1) per Add, amortised.
// Seen is then a new map: a copy of the old one made before Prune does not see it change.
func (s *State) Prune() {
	s.peak = max(s.peak, len(s.Seen)) // also counts IDs put in the map directly
	for id, t := range s.Seen {
		if t.Before(s.Settled) {
			delete(s.Seen, id)
		}
	}
	if s.log != nil {
		s.log.prune(s.Settled.UnixNano())
		if s.log.n() != len(s.Seen) {
			s.log = nil
		}
	}
	if s.Seen != nil && s.peak > compactFloor && len(s.Seen) <= s.peak/4 {
		s.compact()
	}
}

// compactFloor is the peak below which Prune does not compact: a map that small is not
// worth moving. A variable so that tests can turn compaction off.
var compactFloor = 64

// compact moves Seen to a map of its size, and its encoding to slices of theirs. The
// encoding is copied as it is (same base, same records, same order), so Marshal writes
// the same bytes as before.
func (s *State) compact() {
	seen := make(map[string]time.Time, len(s.Seen))
	for id, t := range s.Seen {
		seen[id] = t
	}
	s.Seen, s.peak = seen, len(seen)
	if s.log != nil {
		s.log = s.log.clone()
	}
}

// Store loads and saves states by key.
type Store interface {
	// Load returns the state saved under key; found is false when there is none.
	Load(ctx context.Context, key string) (st State, found bool, err error)
	Save(ctx context.Context, key string, st State) error
}

// StorageStore keeps states in a collector storage client.
type StorageStore struct {
	client storage.Client
}

// NewStorageStore returns a Store over client.
func NewStorageStore(client storage.Client) *StorageStore {
	return &StorageStore{client: client}
}

// Load implements Store. A missing key is not an error; a failing storage is. A stored
// checkpoint that cannot be read is set aside under AsideKey(key) and reported as a
// *CorruptError: the caller starts the stream afresh, and the bytes stay for inspection.
func (s *StorageStore) Load(ctx context.Context, key string) (State, bool, error) {
	b, err := s.client.Get(ctx, key)
	if err != nil {
		return State{}, false, fmt.Errorf("read checkpoint %q: %w", key, err)
	}
	if b == nil {
		return State{}, false, nil
	}
	st, err := Unmarshal(b)
	if err != nil {
		return State{}, false, s.setAside(ctx, key, b, err)
	}
	return st, true, nil
}

// setAside moves an unreadable checkpoint to AsideKey(key).
func (s *StorageStore) setAside(ctx context.Context, key string, b []byte, cause error) error {
	aside := AsideKey(key)
	err := s.client.Batch(ctx, storage.SetOperation(aside, b), storage.DeleteOperation(key))
	return &CorruptError{Key: key, Aside: aside, AsideErr: err, Err: cause}
}

// Save implements Store.
func (s *StorageStore) Save(ctx context.Context, key string, st State) error {
	b, err := Marshal(st)
	if err != nil {
		return err
	}
	if err := s.client.Set(ctx, key, b); err != nil {
		return fmt.Errorf("write checkpoint %q: %w", key, err)
	}
	return nil
}

// MemoryStore keeps states in memory: they last as long as the process.
type MemoryStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: make(map[string][]byte)} }

// Load implements Store.
func (s *MemoryStore) Load(_ context.Context, key string) (State, bool, error) {
	s.mu.Lock()
	b, ok := s.m[key]
	s.mu.Unlock()
	if !ok {
		return State{}, false, nil
	}
	st, err := Unmarshal(b)
	if err != nil {
		aside := AsideKey(key)
		s.mu.Lock()
		s.m[aside] = b
		delete(s.m, key)
		s.mu.Unlock()
		return State{}, false, &CorruptError{Key: key, Aside: aside, Err: err}
	}
	return st, true, nil
}

// Raw returns the bytes stored under key (for tests and inspection).
func (s *MemoryStore) Raw(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[key]
	return b, ok
}

// SetRaw stores bytes under key as they are (for tests).
func (s *MemoryStore) SetRaw(key string, b []byte) {
	s.mu.Lock()
	s.m[key] = b
	s.mu.Unlock()
}

// Save implements Store.
func (s *MemoryStore) Save(_ context.Context, key string, st State) error {
	b, err := Marshal(st)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.m[key] = b
	s.mu.Unlock()
	return nil
}

// AsideKey is where an unreadable checkpoint of key is kept.
func AsideKey(key string) string { return key + ".unreadable" }

// CorruptError is a stored checkpoint that could not be read (Err wraps ErrCorrupt).
type CorruptError struct {
	Key      string
	Aside    string // where its bytes were kept
	AsideErr error  // why they could not be kept, if they could not
	Err      error
}

func (e *CorruptError) Error() string {
	msg := fmt.Sprintf("checkpoint %q: %v", e.Key, e.Err)
	if e.AsideErr != nil {
		return msg + fmt.Sprintf(" (could not keep it under %q: %v)", e.Aside, e.AsideErr)
	}
	return msg + fmt.Sprintf(" (kept under %q)", e.Aside)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// ErrNoStorage is returned when a configured storage extension is missing or is not one.
var ErrNoStorage = errors.New("storage extension not found or not a storage extension")
