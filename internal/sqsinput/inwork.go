// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"
	"sync"
)

// inWork is the set of objects the input's workers are reading. Two messages may name one
// object (S3's notification and SNS's copy of it, or a notification sent twice): a worker
// that finds the object in work waits until the other worker is done with it, and then
// reads it itself, so every record the first read delivered is in the de-duplication
// index by then and is not emitted again. The waiting message is kept invisible by its own
// heartbeat meanwhile.
type inWork struct {
	mu   sync.Mutex
	busy map[string]chan struct{} // closed when the object's reader is done
}

// enter waits until no other worker reads obj, then marks it as read by this one; leave
// must follow. It fails only when ctx ends first.
func (w *inWork) enter(ctx context.Context, obj Object) (leave func(), err error) {
	k := obj.Bucket + "\x00" + obj.Key
	for {
		w.mu.Lock()
		if w.busy == nil {
			w.busy = make(map[string]chan struct{})
		}
		done, taken := w.busy[k]
		if !taken {
			done = make(chan struct{})
			w.busy[k] = done
			w.mu.Unlock()
			return func() {
				w.mu.Lock()
				delete(w.busy, k)
				w.mu.Unlock()
				close(done)
			}, nil
		}
		w.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
