// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"cmp"
	"slices"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pipeline"
)

// sharedIndexes gives every processor created from one configuration (one component ID,
// whatever its pipelines) the same index, as the collector's otlpreceiver shares one
// server between its signals. The collector passes the same *Config to every pipeline
// of a component ID, so the pointer is the key. An index lives while a processor holds
// it: the last one shut down removes it, and a configuration reload starts afresh.
//
// It also counts the processors of each configuration per signal. The collector creates
// every component of a configuration before it starts any, so at Start these counts
// tell whether the component ID is in both a traces and a logs pipeline.
type sharedIndexes struct {
	mu sync.Mutex
	m  map[*Config]*sharedIndex
}

type sharedIndex struct {
	idx     *index
	refs    int
	id      component.ID
	traces  int // processors of this configuration in traces pipelines
	logs    int // and in logs pipelines
	checked bool
}

// shared is what a processor gets from sharedIndexes.
type shared struct {
	idx *index
	// release gives the index back; it may be called more than once.
	release func()
	// peers tells which pipelines the processor's component ID is in.
	peers func() pipelinePeers
}

// pipelinePeers is where a component ID of this type is used.
type pipelinePeers struct {
	traces, logs int // processors of this ID per signal
	// tracesOnly and logsOnly are the other IDs of this type that are in pipelines of
	// one signal only.
	tracesOnly, logsOnly []component.ID
	// first is set for the first caller of the ID only, so a warning is logged once.
	first bool
}

func newSharedIndexes() *sharedIndexes {
	return &sharedIndexes{m: make(map[*Config]*sharedIndex)}
}

// acquire returns the index of cfg, made on first use, for a processor of id in a
// pipeline of signal.
func (s *sharedIndexes) acquire(cfg *Config, id component.ID, signal pipeline.Signal) shared {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[cfg]
	if !ok {
		e = &sharedIndex{idx: newIndex(cfg.TTL, cfg.MaxEntries), id: id}
		s.m[cfg] = e
	}
	e.refs++
	s.count(e, signal, 1)
	var once sync.Once
	return shared{
		idx:     e.idx,
		release: func() { once.Do(func() { s.release(cfg, e, signal) }) },
		peers:   func() pipelinePeers { return s.peers(e) },
	}
}

func (s *sharedIndexes) count(e *sharedIndex, signal pipeline.Signal, n int) {
	if signal == pipeline.SignalTraces {
		e.traces += n
	} else {
		e.logs += n
	}
}

func (s *sharedIndexes) release(cfg *Config, e *sharedIndex, signal pipeline.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.refs--
	s.count(e, signal, -1)
	if e.refs == 0 && s.m[cfg] == e {
		delete(s.m, cfg)
	}
}

func (s *sharedIndexes) peers(e *sharedIndex) pipelinePeers {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := pipelinePeers{traces: e.traces, logs: e.logs, first: !e.checked}
	e.checked = true
	for _, o := range s.m {
		switch {
		case o == e:
		case o.traces > 0 && o.logs == 0:
			p.tracesOnly = append(p.tracesOnly, o.id)
		case o.logs > 0 && o.traces == 0:
			p.logsOnly = append(p.logsOnly, o.id)
		}
	}
	byName := func(a, b component.ID) int { return cmp.Compare(a.String(), b.String()) }
	slices.SortFunc(p.tracesOnly, byName)
	slices.SortFunc(p.logsOnly, byName)
	return p
}

// len is the number of live indexes (for tests).
func (s *sharedIndexes) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
