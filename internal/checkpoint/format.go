// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package checkpoint

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Checkpoint formats. Version 1 is JSON (it begins with '{'); version 2 is binary and
// begins with its version byte. Both are read; version 2 is written.
//
// Version 2, integers as varints (encoding/binary), times in Unix nanoseconds:
//
//	0x02 settled head base n_uuid {16 bytes, when}... n_other {len, bytes, when}...
//
// Seen IDs that are canonical lower-case UUIDs (CloudTrail event IDs) take 16 bytes, other
// IDs are kept as they are. "when" is the eventTime as an offset from base: whole seconds
// (CloudTrail's event times are) as 2*seconds, any other offset as 2*ns+1, zigzag
// encoded. At the ceiling (90,000 seen IDs over 15 minutes) that is 18 bytes an ID, about
// 1.6 MB instead of 5.3 MB of JSON. A State kept up to date with Add and Prune holds the
// ID records already encoded, so a save copies them (see seenLog).
const (
	formatV1      = 1
	formatVersion = 2
)

// ErrCorrupt is a stored checkpoint that cannot be read: not a checkpoint, cut short, or
// of an unknown format version.
var ErrCorrupt = errors.New("corrupt checkpoint")

type wireV1 struct {
	Version int              `json:"v"`
	Settled int64            `json:"settled"`
	Head    int64            `json:"head"`
	Seen    map[string]int64 `json:"seen,omitempty"`
}

// Marshal encodes st in the current format (times with nanosecond precision).
func Marshal(st State) ([]byte, error) {
	log := st.log
	if log == nil || log.n() != len(st.Seen) {
		log = newSeenLog(st.Settled.UnixNano(), st.Seen)
	}
	b := make([]byte, 0, 1+6*binary.MaxVarintLen64+len(log.uuids)+len(log.others))
	b = append(b, formatVersion)
	b = binary.AppendVarint(b, st.Settled.UnixNano())
	b = binary.AppendVarint(b, st.Head.UnixNano())
	b = binary.AppendVarint(b, log.base)
	b = binary.AppendUvarint(b, uint64(log.nUUID)) //nolint:gosec // a count: never negative
	b = append(b, log.uuids...)
	b = binary.AppendUvarint(b, uint64(log.nOther)) //nolint:gosec // a count: never negative
	return append(b, log.others...), nil
}

// seenLog is a Seen set encoded as Marshal writes it: the UUID records and the other
// records, times as offsets from base.
type seenLog struct {
	base          int64
	uuids, others []byte
	nUUID, nOther int
}

func newSeenLog(base int64, seen map[string]time.Time) *seenLog {
	l := &seenLog{base: base, uuids: make([]byte, 0, len(seen)*(16+3))}
	for id, t := range seen {
		l.add(id, seenNanos(t, base))
	}
	return l
}

// maxSeenOffset bounds how far from the base a seen ID's time is stored: an offset kept in
// nanoseconds must survive its doubling (2*ns+1, see appendWhen) within 64 bits.
const maxSeenOffset = 100 * 365 * 24 * time.Hour

// seenNanos is t in Unix nanoseconds, clamped to within maxSeenOffset of base. Only a
// hostile or broken eventTime is that far from the settled point, and all a seen time
// decides is whether the ID is pruned: the clamped time decides it the same way.
func seenNanos(t time.Time, base int64) int64 {
	const maxSec, maxNs = int64(maxSeenOffset / time.Second), int64(maxSeenOffset)
	switch sec, baseSec := t.Unix(), base/int64(time.Second); {
	case sec < baseSec-maxSec:
		return base - maxNs
	case sec > baseSec+maxSec:
		return base + maxNs
	}
	return t.UnixNano()
}

func (l *seenLog) n() int { return l.nUUID + l.nOther }

// clone is a copy of l in slices no larger than its records.
func (l *seenLog) clone() *seenLog {
	c := *l
	c.uuids = append([]byte(nil), l.uuids...)
	c.others = append([]byte(nil), l.others...)
	return &c
}

func (l *seenLog) add(id string, ns int64) {
	if u, ok := parseUUID(id); ok {
		l.uuids = append(l.uuids, u[:]...)
		l.uuids = appendWhen(l.uuids, ns-l.base)
		l.nUUID++
		return
	}
	l.others = binary.AppendUvarint(l.others, uint64(len(id)))
	l.others = append(l.others, id...)
	l.others = appendWhen(l.others, ns-l.base)
	l.nOther++
}

// prune drops, in place, the records whose time is before settled.
func (l *seenLog) prune(settled int64) {
	l.uuids, l.nUUID = pruneRecords(l.uuids, settled-l.base, true)
	l.others, l.nOther = pruneRecords(l.others, settled-l.base, false)
}

// pruneRecords keeps the records of b whose offset is at least keep; it returns them and
// their number. The records are sequential: this reads memory in order.
func pruneRecords(b []byte, keep int64, uuid bool) ([]byte, int) {
	w, n := 0, 0
	for r := 0; r < len(b); {
		start := r
		if uuid {
			r += 16
		} else {
			ln, k := binary.Uvarint(b[r:])
			r += k + int(ln) //nolint:gosec // the length of an ID this process encoded
		}
		code, k := binary.Varint(b[r:])
		r += k
		if whenOffset(code) >= keep {
			w += copy(b[w:], b[start:r])
			n++
		}
	}
	return b[:w], n
}

// appendWhen appends a time offset: whole seconds compactly, anything else in ns.
func appendWhen(b []byte, offset int64) []byte {
	const sec = int64(time.Second)
	if offset%sec == 0 {
		return binary.AppendVarint(b, offset/sec*2)
	}
	return binary.AppendVarint(b, offset*2+1)
}

// whenOffset decodes what appendWhen wrote.
func whenOffset(code int64) int64 {
	if code&1 == 0 {
		return code / 2 * int64(time.Second)
	}
	return (code - 1) / 2
}

func (r *reader) when(base int64) time.Time {
	return time.Unix(0, base+whenOffset(r.varint())).UTC()
}

// seen reads a seen ID's time, clamped as Marshal clamps it (seenNanos), so what a
// checkpoint decodes to is what it encodes to again.
func (r *reader) seen(base, settled int64) time.Time {
	return time.Unix(0, seenNanos(r.when(base), settled)).UTC()
}

// Unmarshal decodes a checkpoint of any known format. Anything else is ErrCorrupt.
func Unmarshal(b []byte) (State, error) {
	switch {
	case len(b) == 0:
		return State{}, fmt.Errorf("%w: empty", ErrCorrupt)
	case b[0] == '{':
		return unmarshalV1(b)
	case b[0] == formatVersion:
		st, err := unmarshalV2(b[1:])
		if err != nil {
			return State{}, fmt.Errorf("%w: version 2: %w", ErrCorrupt, err)
		}
		return st, nil
	}
	return State{}, fmt.Errorf("%w: unknown format version %d", ErrCorrupt, b[0])
}

func unmarshalV1(b []byte) (State, error) {
	var w wireV1
	if err := json.Unmarshal(b, &w); err != nil {
		return State{}, fmt.Errorf("%w: decode checkpoint: %w", ErrCorrupt, err)
	}
	if w.Version != formatV1 {
		return State{}, fmt.Errorf("%w: unknown format version %d", ErrCorrupt, w.Version)
	}
	st := State{
		Settled: time.Unix(0, w.Settled).UTC(),
		Head:    time.Unix(0, w.Head).UTC(),
		Seen:    make(map[string]time.Time, len(w.Seen)),
	}
	for id, ns := range w.Seen {
		st.Seen[id] = time.Unix(0, seenNanos(time.Unix(0, ns), w.Settled)).UTC() // as Marshal stores it
	}
	return st, nil
}

var errShort = errors.New("cut short")

// reader reads varints and bytes from a checkpoint; the first failure sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a uvarint count of items of at least size bytes each.
func (r *reader) count(size int) int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > uint64(len(r.b)-n)/uint64(size) { //nolint:gosec // n <= len(r.b), size > 0
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return int(v) //nolint:gosec // at most len(r.b), checked above
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.fail()
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errShort
	}
	r.b = nil
}

func unmarshalV2(b []byte) (State, error) {
	r := &reader{b: b}
	settled := r.varint()
	head := r.varint()
	base := r.varint()
	n := r.count(17)
	st := State{Settled: time.Unix(0, settled).UTC(), Head: time.Unix(0, head).UTC(), Seen: make(map[string]time.Time, n)}
	for range n {
		id := r.bytes(16)
		t := r.seen(base, settled)
		if r.err != nil {
			return State{}, r.err
		}
		st.Seen[formatUUID(id)] = t
	}
	for range r.count(2) {
		id := r.bytes(r.count(1))
		t := r.seen(base, settled)
		if r.err != nil {
			return State{}, r.err
		}
		st.Seen[string(id)] = t
	}
	if r.err == nil && len(r.b) > 0 {
		return State{}, fmt.Errorf("%d bytes after the end", len(r.b))
	}
	return st, r.err
}

const hexDigits = "0123456789abcdef"

// uuidHexAt are the offsets of the 16 hex pairs of a canonical UUID.
var uuidHexAt = [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// hexValue maps a lower-case hex digit to its value, anything else to 0xff.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := range len(hexDigits) {
		t[hexDigits[i]] = byte(i)
	}
	return t
}()

// parseUUID parses a canonical lower-case UUID (8-4-4-4-12 hex digits); any other ID,
// upper case included, is not one, so that formatUUID gives back exactly the ID stored.
func parseUUID(s string) (u [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	var bad byte
	for j, i := range uuidHexAt {
		hi, lo := hexValue[s[i]], hexValue[s[i+1]]
		bad |= hi | lo
		u[j] = hi<<4 | lo&0xf
	}
	return u, bad&0xf0 == 0
}

func formatUUID(u []byte) string {
	var s [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = hexDigits[c>>4], hexDigits[c&0xf]
		j += 2
	}
	return string(s[:])
}
