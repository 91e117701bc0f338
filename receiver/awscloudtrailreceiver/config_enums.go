// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver // import "github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver"

import (
	"fmt"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/redact"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// The keys that take one of a few words: read_only, body and redact.action. Each is a
// named string type whose UnmarshalText rejects any other word, so a config is parsed
// once, when the collector unmarshals it (confmap puts the key in front of the error).
// Validate checks them again, naming the key, for a Config built in code.

// ReadOnlyMode is read_only: which events the client-side filter keeps.
type ReadOnlyMode string

const (
	// ReadOnlyAll keeps every event.
	ReadOnlyAll ReadOnlyMode = "all"
	// ReadOnlyRead keeps read-only calls.
	ReadOnlyRead ReadOnlyMode = "read"
	// ReadOnlyWrite keeps calls that change something.
	ReadOnlyWrite ReadOnlyMode = "write"
)

// BodyFormat is body: what a log record's body holds.
type BodyFormat string

const (
	// BodyRaw is the record's JSON text as AWS gave it.
	BodyRaw BodyFormat = "raw"
	// BodyMap is the record as a map.
	BodyMap BodyFormat = "map"
	// BodyNone is an empty body.
	BodyNone BodyFormat = "none"
)

// RedactAction is redact.action: what happens to a chosen field.
type RedactAction string

const (
	// RedactHash replaces the field's value by a keyed hash.
	RedactHash RedactAction = "hash"
	// RedactDrop removes the field.
	RedactDrop RedactAction = "drop"
)

// UnmarshalText accepts all, read or write.
func (m *ReadOnlyMode) UnmarshalText(text []byte) error {
	v := ReadOnlyMode(text)
	if err := v.check(); err != nil {
		return err
	}
	*m = v
	return nil
}

func (m ReadOnlyMode) check() error {
	switch m {
	case ReadOnlyAll, ReadOnlyRead, ReadOnlyWrite:
		return nil
	}
	return fmt.Errorf("must be all, read or write, got %q", string(m))
}

// filter is the poll filter of a checked mode.
func (m ReadOnlyMode) filter() poll.ReadOnlyFilter {
	switch m {
	case ReadOnlyRead:
		return poll.ReadOnlyRead
	case ReadOnlyWrite:
		return poll.ReadOnlyWrite
	}
	return poll.ReadOnlyAll
}

// UnmarshalText accepts raw, map or none.
func (f *BodyFormat) UnmarshalText(text []byte) error {
	v := BodyFormat(text)
	if err := v.check(); err != nil {
		return err
	}
	*f = v
	return nil
}

func (f BodyFormat) check() error {
	switch f {
	case BodyRaw, BodyMap, BodyNone:
		return nil
	}
	return fmt.Errorf("must be raw, map or none, got %q", string(f))
}

// mode is the translator's body mode of a checked format.
func (f BodyFormat) mode() translate.BodyMode {
	switch f {
	case BodyMap:
		return translate.BodyMap
	case BodyNone:
		return translate.BodyNone
	}
	return translate.BodyRaw
}

// UnmarshalText accepts hash or drop.
func (a *RedactAction) UnmarshalText(text []byte) error {
	v := RedactAction(text)
	if err := v.check(); err != nil {
		return err
	}
	*a = v
	return nil
}

func (a RedactAction) check() error {
	switch a {
	case RedactHash, RedactDrop:
		return nil
	}
	return fmt.Errorf("must be hash or drop, got %q", string(a))
}

// action is the redactor's action of a checked value. Anything but drop hashes: a
// value never leaves in clear because of a Config that skipped Validate.
func (a RedactAction) action() redact.Action {
	if a == RedactDrop {
		return redact.Drop
	}
	return redact.Hash
}
