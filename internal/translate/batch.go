package translate

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
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
	n       int
	t       recordTranslator
}

// NewBatch returns an empty Batch.
func NewBatch(opts Options) *Batch {
	b := &Batch{opts: opts}
	b.reset()
	return b
}

func (b *Batch) reset() {
	b.logs = plog.NewLogs()
	b.records = make(map[resourceKey]plog.LogRecordSlice)
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
// that could be read.
func (b *Batch) Add(record []byte, fallbackTime, observed time.Time) error {
	parsed := pcommon.NewValueEmpty()
	if err := parseObject(record, parsed); err != nil {
		return recordError(parsed, err)
	}
	t := &b.t
	t.f.index(parsed.Map())
	lr := b.destination(&t.f).AppendEmpty()
	b.n++
	t.copyMaps = b.opts.Body == BodyMap
	switch b.opts.Body {
	case BodyMap:
		parsed.MoveTo(lr.Body())
		t.f.index(lr.Body().Map())
	case BodyRaw:
		lr.Body().SetStr(validUTF8(record))
	}
	t.fill(lr, fallbackTime, observed)
	t.f = fields{} // drop references into the record
	return nil
}

func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// recordError names the record by the eventID read before the error, if any.
func recordError(partial pcommon.Value, err error) error {
	if partial.Type() == pcommon.ValueTypeMap {
		if id, ok := getString(partial.Map(), fieldNames[fEventID]); ok {
			return fmt.Errorf("cloudtrail record %q: %w", id, err)
		}
	}
	return fmt.Errorf("cloudtrail record: %w", err)
}

// destination returns the log records of the record's (account, region),
// creating its ResourceLogs on first use.
func (b *Batch) destination(f *fields) plog.LogRecordSlice {
	var key resourceKey
	key.region, _ = f.str(fAWSRegion)
	key.account, _ = f.str(fRecipientAccountID)
	if key.account == "" {
		if ui, ok := f.mapOf(fUserIdentity); ok {
			key.account, _ = getString(ui, "accountId")
		}
	}
	if records, ok := b.records[key]; ok {
		return records
	}
	rl := b.logs.ResourceLogs().AppendEmpty()
	attrs := rl.Resource().Attributes()
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
	b.records[key] = sl.LogRecords()
	return sl.LogRecords()
}
