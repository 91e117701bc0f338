// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package translate

import "fmt"

// BodyMode selects what a log record's body holds.
type BodyMode int

const (
	// BodyRaw: the record's JSON text exactly as given, as a string body.
	// The one exception: invalid UTF-8 (which an OTLP string cannot carry)
	// has each run of invalid bytes replaced by one U+FFFD.
	BodyRaw BodyMode = iota
	// BodyMap: the whole record converted to a map, fields this package does
	// not know included.
	BodyMap
	// BodyNone: an empty body; only the attributes describe the event.
	BodyNone
)

var bodyModeNames = [...]string{BodyRaw: "raw", BodyMap: "map", BodyNone: "none"}

// ParseBodyMode parses "raw", "map" or "none".
func ParseBodyMode(s string) (BodyMode, error) {
	for m, name := range bodyModeNames {
		if s == name {
			return BodyMode(m), nil
		}
	}
	return 0, fmt.Errorf("invalid body mode %q: want \"raw\", \"map\" or \"none\"", s)
}

// String returns the name ParseBodyMode accepts.
func (m BodyMode) String() string {
	if m >= 0 && int(m) < len(bodyModeNames) {
		return bodyModeNames[m]
	}
	return fmt.Sprintf("BodyMode(%d)", int(m))
}

// MarshalText implements encoding.TextMarshaler.
func (m BodyMode) MarshalText() ([]byte, error) {
	if m < 0 || int(m) >= len(bodyModeNames) {
		return nil, fmt.Errorf("invalid body mode %d", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, so a config struct can
// hold a BodyMode directly.
func (m *BodyMode) UnmarshalText(text []byte) error {
	parsed, err := ParseBodyMode(string(text))
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}

// Options configure a Batch.
type Options struct {
	// Body selects the log record body; the zero value is BodyRaw.
	Body BodyMode
	// ScopeName and ScopeVersion name the instrumentation scope of every
	// ScopeLogs the Batch creates.
	ScopeName, ScopeVersion string
}
