// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bytes"
	"os"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
)

// arrival is when the tailer first saw an exported record.
type arrival struct {
	at             time.Time
	region, source string
}

// tailer follows a file exporter's output and notes when each event ID arrives.
type tailer struct {
	path string
	mu   sync.Mutex
	seen map[string]arrival
	off  int64
	stop chan struct{}
	done chan struct{}
}

func startTailer(t *testing.T, path string, every time.Duration) *tailer {
	tl := &tailer{path: path, seen: map[string]arrival{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(tl.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			tl.read()
			select {
			case <-tl.stop:
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(tl.close)
	return tl
}

func (tl *tailer) close() {
	select {
	case <-tl.stop:
	default:
		close(tl.stop)
		<-tl.done
	}
}

// read parses the complete lines written since the last read.
func (tl *tailer) read() {
	f, err := os.Open(tl.path)
	if err != nil {
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() <= tl.off {
		return
	}
	buf := make([]byte, st.Size()-tl.off)
	n, _ := f.ReadAt(buf, tl.off)
	buf = buf[:n]
	end := bytes.LastIndexByte(buf, '\n')
	if end < 0 {
		return
	}
	now := time.Now()
	var u plog.JSONUnmarshaler
	for _, line := range bytes.Split(buf[:end], []byte{'\n'}) {
		if ld, err := u.UnmarshalLogs(line); err == nil {
			tl.note(ld, now)
		}
	}
	tl.off += int64(end + 1)
}

func (tl *tailer) note(ld plog.Logs, now time.Time) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		rl := ld.ResourceLogs().At(i)
		region, _ := rl.Resource().Attributes().Get("cloud.region")
		for j := 0; j < rl.ScopeLogs().Len(); j++ {
			lrs := rl.ScopeLogs().At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				id, _ := lrs.At(k).Attributes().Get("aws.cloudtrail.event_id")
				src, _ := lrs.At(k).Attributes().Get("rpc.service")
				if _, ok := tl.seen[id.Str()]; !ok {
					tl.seen[id.Str()] = arrival{at: now, region: region.Str(), source: src.Str()}
				}
			}
		}
	}
}

// snapshot copies what has arrived so far.
func (tl *tailer) snapshot() map[string]arrival {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	out := make(map[string]arrival, len(tl.seen))
	for k, v := range tl.seen {
		out[k] = v
	}
	return out
}

func (tl *tailer) count() int {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return len(tl.seen)
}
