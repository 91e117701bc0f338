package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import "sync"

// sharedIndexes gives every processor created from one configuration (one component ID,
// whatever its pipelines) the same index, as the collector's otlpreceiver shares one
// server between its signals. The collector passes the same *Config to every pipeline
// of a component ID, so the pointer is the key. An index lives while a processor holds
// it: the last one shut down removes it, and a configuration reload starts afresh.
type sharedIndexes struct {
	mu sync.Mutex
	m  map[*Config]*sharedIndex
}

type sharedIndex struct {
	idx  *index
	refs int
}

func newSharedIndexes() *sharedIndexes {
	return &sharedIndexes{m: make(map[*Config]*sharedIndex)}
}

// acquire returns the index of cfg, made on first use, and a function that gives it
// back; that function may be called more than once.
func (s *sharedIndexes) acquire(cfg *Config) (*index, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[cfg]
	if !ok {
		e = &sharedIndex{idx: newIndex(cfg.TTL, cfg.MaxEntries)}
		s.m[cfg] = e
	}
	e.refs++
	var once sync.Once
	return e.idx, func() { once.Do(func() { s.release(cfg, e) }) }
}

func (s *sharedIndexes) release(cfg *Config, e *sharedIndex) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.refs--
	if e.refs == 0 && s.m[cfg] == e {
		delete(s.m, cfg)
	}
}

// len is the number of live indexes (for tests).
func (s *sharedIndexes) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
