// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package checkpoint

import (
	"context"
	"fmt"
)

// Deleter removes a saved state.
type Deleter interface {
	Delete(ctx context.Context, key string) error
}

// Migrating is a Store that reads a checkpoint written under an older key once: when key
// has no state and its legacy key has one, that state is saved under key, the legacy key
// is removed, and the state is returned. Saves go to key only.
type Migrating struct {
	Store
	legacy map[string]string
	// Migrated, when set, is told of every state moved from a legacy key, with the error
	// that kept the legacy key from being removed, if any (the state is safe under the new
	// key either way, and the new key wins from then on).
	Migrated func(from, to string, err error)
}

// NewMigrating returns a Store over s that migrates legacy[key] to key on Load.
func NewMigrating(s Store, legacy map[string]string) *Migrating {
	return &Migrating{Store: s, legacy: legacy}
}

// Load implements Store.
func (m *Migrating) Load(ctx context.Context, key string) (State, bool, error) {
	st, found, err := m.Store.Load(ctx, key)
	if err != nil || found {
		return st, found, err
	}
	old, ok := m.legacy[key]
	if !ok {
		return State{}, false, nil
	}
	st, found, err = m.Store.Load(ctx, old)
	if err != nil || !found {
		return st, found, err
	}
	// The legacy key is removed only once the state is safe under the new one; if the save
	// fails, the next Load migrates again.
	if err := m.Save(ctx, key, st); err != nil {
		return st, true, nil
	}
	var delErr error
	if d, ok := m.Store.(Deleter); ok {
		delErr = d.Delete(ctx, old)
	}
	if m.Migrated != nil {
		m.Migrated(old, key, delErr)
	}
	return st, true, nil
}

// Delete implements Deleter.
func (s *StorageStore) Delete(ctx context.Context, key string) error {
	if err := s.client.Delete(ctx, key); err != nil {
		return fmt.Errorf("delete checkpoint %q: %w", key, err)
	}
	return nil
}

// Delete implements Deleter.
func (s *MemoryStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
	return nil
}
