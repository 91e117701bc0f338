// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package deliver

import (
	"go.opentelemetry.io/collector/pdata/plog"
)

// recordRef locates one log record in a plog.Logs.
type recordRef struct{ rl, sl, lr int }

// logsBatch is a Batch over a plog.Logs that is never handed out itself: every part is
// a copy, so the pipeline may change what it gets and a later part still reads the
// original.
type logsBatch struct {
	ld   plog.Logs
	refs []recordRef
	id   func(plog.LogRecord) string
}

// FromLogs returns a Batch over the records of ld (in resource, scope, record order)
// named by id. ld must not be changed while the Batch is in use; parts keep their
// records' resource and scope.
func FromLogs(ld plog.Logs, id func(plog.LogRecord) string) Batch {
	b := &logsBatch{ld: ld, id: id}
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			for k := 0; k < sls.At(j).LogRecords().Len(); k++ {
				b.refs = append(b.refs, recordRef{i, j, k})
			}
		}
	}
	return b
}

func (b *logsBatch) Len() int { return len(b.refs) }

func (b *logsBatch) ID(i int) string { return b.id(b.record(b.refs[i])) }

func (b *logsBatch) record(r recordRef) plog.LogRecord {
	return b.ld.ResourceLogs().At(r.rl).ScopeLogs().At(r.sl).LogRecords().At(r.lr)
}

// Logs copies records [lo, hi) with their resources and scopes.
func (b *logsBatch) Logs(lo, hi int) plog.Logs {
	out := plog.NewLogs()
	var dstRL plog.ResourceLogs
	var dstSL plog.ScopeLogs
	prev := recordRef{-1, -1, -1}
	for _, r := range b.refs[lo:hi] {
		src := b.ld.ResourceLogs().At(r.rl)
		if r.rl != prev.rl {
			dstRL = out.ResourceLogs().AppendEmpty()
			src.Resource().CopyTo(dstRL.Resource())
			dstRL.SetSchemaUrl(src.SchemaUrl())
			prev.sl = -1
		}
		if r.sl != prev.sl {
			srcSL := src.ScopeLogs().At(r.sl)
			dstSL = dstRL.ScopeLogs().AppendEmpty()
			srcSL.Scope().CopyTo(dstSL.Scope())
			dstSL.SetSchemaUrl(srcSL.SchemaUrl())
		}
		prev = r
		b.record(r).CopyTo(dstSL.LogRecords().AppendEmpty())
	}
	return out
}
