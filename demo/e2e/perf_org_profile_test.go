// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// heapProfiler saves the collector's heap profiles (its pprof extension) into dir:
// peak.pb.gz when its RSS is highest, and named ones on demand. go tool pprof reads
// them with the collector's binary.
type heapProfiler struct {
	dir, url string
	pid      int
	stop     chan struct{}
	done     sync.WaitGroup
	mu       sync.Mutex
	peak     int64 // RSS of the saved peak profile
}

// startHeapProfiler samples the RSS of pid every second and saves a heap profile each
// time it passes the last saved peak by 5%; nil when dir is "" (no profiles asked).
func startHeapProfiler(t *testing.T, dir string, pprofPort, pid int) *heapProfiler {
	t.Helper()
	if dir == "" {
		return nil
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	h := &heapProfiler{dir: dir, url: fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap", pprofPort), pid: pid, stop: make(chan struct{})}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
			rss, err := readStatus(pid, "VmRSS")
			if err != nil {
				return // the collector ended
			}
			h.mu.Lock()
			higher := rss > h.peak+h.peak/20
			h.mu.Unlock()
			if higher && h.save("peak.pb.gz") == nil {
				h.mu.Lock()
				h.peak = rss
				h.mu.Unlock()
			}
		}
	}()
	t.Cleanup(h.close)
	return h
}

// snapshot saves a heap profile now, as name.
func (h *heapProfiler) snapshot(t *testing.T, name string) {
	if h == nil {
		return
	}
	if err := h.save(name + ".pb.gz"); err != nil {
		t.Logf("heap profile %s: %v", name, err)
	}
}

// close stops the sampling and notes the peak's RSS.
func (h *heapProfiler) close() {
	select {
	case <-h.stop:
	default:
		close(h.stop)
	}
	h.done.Wait()
}

// peakRSS is the RSS when peak.pb.gz was taken.
func (h *heapProfiler) peakRSS() int64 {
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.peak
}

func (h *heapProfiler) save(name string) error {
	resp, err := http.Get(h.url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", h.url, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	tmp := filepath.Join(h.dir, name+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(h.dir, name))
}
