// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package checkpoint

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

func sample() State {
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	return State{
		Settled: base,
		Head:    base.Add(15*time.Minute + 123*time.Nanosecond),
		Seen:    map[string]time.Time{"a": base, "b": base.Add(time.Minute)},
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	b, err := Marshal(sample())
	require.NoError(t, err)
	got, err := Unmarshal(b)
	require.NoError(t, err)
	assert.Equal(t, sample(), got)
}

func TestUnmarshalRejectsGarbageAndUnknownVersions(t *testing.T) {
	_, err := Unmarshal([]byte("{"))
	require.ErrorContains(t, err, "decode checkpoint")
	_, err = Unmarshal([]byte(`{"v":99,"settled":1,"head":1}`))
	require.ErrorContains(t, err, "unknown format version 99")
}

func TestPruneDropsSettledIDs(t *testing.T) {
	st := sample()
	st.Settled = st.Settled.Add(30 * time.Second)
	st.Prune()
	assert.Equal(t, []string{"b"}, keys(st.Seen))
}

func TestCloneIsDeep(t *testing.T) {
	st := sample()
	c := st.Clone()
	c.Seen["c"] = time.Time{}
	assert.Len(t, st.Seen, 2)
}

// mapClient is a storage.Client over a map that can be told to fail.
type mapClient struct {
	m    map[string][]byte
	fail error
}

func (c *mapClient) Get(_ context.Context, k string) ([]byte, error) { return c.m[k], c.fail }
func (c *mapClient) Set(_ context.Context, k string, v []byte) error {
	if c.fail != nil {
		return c.fail
	}
	c.m[k] = v
	return nil
}
func (c *mapClient) Delete(_ context.Context, k string) error { delete(c.m, k); return c.fail }
func (c *mapClient) Batch(_ context.Context, ops ...*storage.Operation) error {
	if c.fail != nil {
		return c.fail
	}
	for _, op := range ops {
		switch op.Type {
		case storage.Set:
			c.m[op.Key] = op.Value
		case storage.Delete:
			delete(c.m, op.Key)
		case storage.Get:
			op.Value = c.m[op.Key]
		}
	}
	return nil
}
func (c *mapClient) Close(context.Context) error { return nil }

func TestStorageStoreTellsNotFoundFromFailure(t *testing.T) {
	client := &mapClient{m: map[string][]byte{}}
	s := NewStorageStore(client)
	ctx := context.Background()

	_, found, err := s.Load(ctx, "k")
	require.NoError(t, err)
	assert.False(t, found)

	require.NoError(t, s.Save(ctx, "k", sample()))
	got, found, err := s.Load(ctx, "k")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, sample(), got)

	client.fail = errors.New("disk full")
	_, _, err = s.Load(ctx, "k")
	require.ErrorContains(t, err, "disk full")
	require.ErrorContains(t, s.Save(ctx, "k", sample()), `write checkpoint "k"`)

	client.fail, client.m["bad"] = nil, []byte("not json")
	_, found, err = s.Load(ctx, "bad")
	require.ErrorContains(t, err, `checkpoint "bad"`)
	assert.False(t, found)
	var corrupt *CorruptError
	require.ErrorAs(t, err, &corrupt)
	require.ErrorIs(t, err, ErrCorrupt)
	assert.Equal(t, []byte("not json"), client.m[AsideKey("bad")], "kept aside for inspection")
	assert.NotContains(t, client.m, "bad")
}

func TestCorruptCheckpointSetAsideInMemory(t *testing.T) {
	s := NewMemoryStore()
	s.SetRaw("k", []byte{9, 1, 2, 3}) // an unknown format version
	_, found, err := s.Load(context.Background(), "k")
	assert.False(t, found)
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorContains(t, err, "unknown format version 9")
	b, ok := s.Raw(AsideKey("k"))
	require.True(t, ok)
	assert.Equal(t, []byte{9, 1, 2, 3}, b)
	_, ok = s.Raw("k")
	assert.False(t, ok)
}

func TestMemoryStore(t *testing.T) {
	s := NewMemoryStore()
	_, found, err := s.Load(context.Background(), "k")
	require.NoError(t, err)
	assert.False(t, found)
	require.NoError(t, s.Save(context.Background(), "k", sample()))
	got, found, err := s.Load(context.Background(), "k")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, sample(), got)
}

func keys(m map[string]time.Time) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
