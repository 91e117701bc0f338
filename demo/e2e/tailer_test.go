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

// follower reads a file exporter's output every tick and hands each complete line's
// logs to note, with the time the line was read.
type follower struct {
	path string
	note func(ld plog.Logs, now time.Time)
	off  int64
	stop chan struct{}
	done chan struct{}
}

func startFollower(t *testing.T, path string, every time.Duration, note func(plog.Logs, time.Time)) *follower {
	f := &follower{path: path, note: note, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			f.read()
			select {
			case <-f.stop:
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(f.close)
	return f
}

func (f *follower) close() {
	select {
	case <-f.stop:
	default:
		close(f.stop)
		<-f.done
	}
}

// read parses the complete lines written since the last read.
func (f *follower) read() {
	file, err := os.Open(f.path)
	if err != nil {
		return
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil || st.Size() <= f.off {
		return
	}
	buf := make([]byte, st.Size()-f.off)
	n, _ := file.ReadAt(buf, f.off)
	buf = buf[:n]
	end := bytes.LastIndexByte(buf, '\n')
	if end < 0 {
		return
	}
	now := time.Now()
	var u plog.JSONUnmarshaler
	for _, line := range bytes.Split(buf[:end], []byte{'\n'}) {
		if ld, err := u.UnmarshalLogs(line); err == nil {
			f.note(ld, now)
		}
	}
	f.off += int64(end + 1)
}

// tailer follows a file exporter's output and notes when each event ID arrives.
type tailer struct {
	*follower
	mu   sync.Mutex
	seen map[string]arrival
}

func startTailer(t *testing.T, path string, every time.Duration) *tailer {
	tl := &tailer{seen: map[string]arrival{}}
	tl.follower = startFollower(t, path, every, tl.note)
	return tl
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
