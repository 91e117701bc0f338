// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import (
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson"
)

// resourceKey identifies the ResourceLogs a record goes to.
type resourceKey struct{ account, region string }

// Batch accumulates translated CloudTrail records into one plog.Logs, with
// one ResourceLogs (holding one ScopeLogs) per (account, region). It is not
// safe for concurrent use.
type Batch struct {
	opts    Options
	logs    plog.Logs
	records map[resourceKey]plog.LogRecordSlice
	// last is the group of the previous record: consecutive records of a
	// slice nearly always share it.
	last        resourceKey
	lastRecords plog.LogRecordSlice
	hasLast     bool
	n           int
	p           cjson.Parser
	t           recordTranslator
	// text holds the copies Add makes of the records it is given, many to one chunk, so
	// a record costs no allocation of its own. A strings.Builder only ever appends: the
	// strings of earlier records that share its chunk never change.
	text strings.Builder
}

// Record copies share chunks of textChunk bytes; a record larger than maxSharedRecord
// is copied alone, so that no chunk is mostly unused.
const (
	textChunk       = 128 << 10
	maxSharedRecord = textChunk / 8
)

// NewBatch returns an empty Batch.
func NewBatch(opts Options) *Batch {
	b := &Batch{opts: opts}
	b.t.p = &b.p
	b.t.num = pcommon.NewValueEmpty()
	b.reset()
	return b
}

func (b *Batch) reset() {
	b.logs = plog.NewLogs()
	b.records = make(map[resourceKey]plog.LogRecordSlice)
	b.last, b.lastRecords, b.hasLast = resourceKey{}, plog.LogRecordSlice{}, false
	b.n = 0
}

// Len returns the number of log records in the batch.
func (b *Batch) Len() int { return b.n }

// Logs hands over the accumulated logs and resets the Batch.
func (b *Batch) Logs() plog.Logs {
	out := b.logs
	b.reset()
	return out
}

// Add translates one CloudTrail record, the JSON object exactly as AWS
// delivered it, and appends it to the batch. fallbackTime is the timestamp
// when the record's eventTime is missing or unparseable (zero: none);
// observed becomes the ObservedTimestamp. A record that is not one valid
// JSON object is not appended and yields an error naming its eventID when
// that could be read. Add copies record once; the caller may reuse it.
func (b *Batch) Add(record []byte, fallbackTime, observed time.Time) error {
	return b.add(b.copyRecord(record), fallbackTime, observed)
}

// copyRecord returns a copy of record as a string. A chunk outlives the batch it was
// started in only as long as the log records that share it.
func (b *Batch) copyRecord(record []byte) string {
	if len(record) > maxSharedRecord {
		return string(record)
	}
	if b.text.Cap()-b.text.Len() < len(record) {
		b.text = strings.Builder{} // the full chunk stays with the strings that share it
		b.text.Grow(textChunk)
	}
	start := b.text.Len()
	b.text.Write(record)
	return b.text.String()[start:]
}

// AddString is Add for a record held in a string (as LookupEvents delivers
// it in CloudTrailEvent), without copying it: the log record's string
// values (the raw body included) share its memory.
func (b *Batch) AddString(record string, fallbackTime, observed time.Time) error {
	return b.add(record, fallbackTime, observed)
}

func (b *Batch) add(record string, fallbackTime, observed time.Time) error {
	p, t := &b.p, &b.t
	defer func() { // drop the references to the record and the log record
		p.Release()
		t.body, t.hasBody = pcommon.Map{}, false
	}()
	if err := p.Parse(record); err != nil {
		return t.recordError(err)
	}
	t.f.index(p)
	lr := b.destination().AppendEmpty()
	b.n++
	switch b.opts.Body {
	case BodyMap:
		build(p, 0, lr.Body())
		t.body, t.hasBody = lr.Body().Map(), true
	case BodyRaw:
		if p.BadUTF8 {
			lr.Body().SetStr(strings.ToValidUTF8(record, "\uFFFD"))
		} else {
			lr.Body().SetStr(record)
		}
	}
	t.fill(lr, fallbackTime, observed)
	return nil
}

// recordError names the record by the eventID read before the error, if
// any: the tape holds the members read by then.
func (t *recordTranslator) recordError(err error) error {
	if len(t.p.Tape) > 0 {
		if id, ok := t.getString(t.p.Members(0), fieldNames[fEventID]); ok {
			return fmt.Errorf("cloudtrail record %q: %w", id, err)
		}
	}
	return fmt.Errorf("cloudtrail record: %w", err)
}

// destination returns the log records of the record's (account, region),
// creating its ResourceLogs on first use.
func (b *Batch) destination() plog.LogRecordSlice {
	t := &b.t
	var key resourceKey
	key.region, _ = t.str(fAWSRegion)
	key.account, _ = t.str(fRecipientAccountID)
	if key.account == "" {
		if ui, ok := t.object(fUserIdentity); ok {
			key.account, _ = t.getString(t.p.Members(ui), "accountId")
		}
	}
	if b.hasLast && key == b.last {
		return b.lastRecords
	}
	records, ok := b.records[key]
	if !ok {
		rl := b.logs.ResourceLogs().AppendEmpty()
		attrs := rl.Resource().Attributes()
		attrs.EnsureCapacity(3)
		attrs.PutStr(AttrCloudProvider, CloudProviderAWS)
		if key.region != "" {
			attrs.PutStr(AttrCloudRegion, key.region)
		}
		if key.account != "" {
			attrs.PutStr(AttrCloudAccountID, key.account)
		}
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName(b.opts.ScopeName)
		sl.Scope().SetVersion(b.opts.ScopeVersion)
		records = sl.LogRecords()
		b.records[key] = records
	}
	b.last, b.lastRecords, b.hasLast = key, records, true
	return records
}
