// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package contribstandin is the yardstick of the receiver's translator: a CloudTrail
// record to log record translator of the design that the contrib CloudTrail unmarshaler
// (awslogs_encoding, format cloudtrail) documents, written here for the benchmark.
//
// It is NOT the contrib code: the contrib module
// (github.com/open-telemetry/opentelemetry-collector-contrib/extension/encoding/awslogsencodingextension)
// cannot be resolved by the module proxy this project builds with, and its code is not
// copied here. The stand-in follows the same design: each record decoded by a general JSON
// decoder (github.com/goccy/go-json v0.10.5, the decoder and version contrib's module
// requires) into a struct whose scalar fields are strings and whose nested objects
// (userIdentity, tlsDetails, requestParameters, responseElements, additionalEventData,
// insightDetails, resources) are map[string]any, then pcommon's FromRaw for the maps and
// PutStr/PutBool for the rest, with the attribute names of internal/translate, one
// ResourceLogs per (account, region). Its log records have no body, as contrib's have none.
//
// Where the corpus holds a scalar of another type than contrib declares (a bool
// sessionCredentialFromConsole, a string readOnly, a string requestParameters), the
// stand-in declares the field as any, so that it decodes every record of the corpus and
// does the same work as the translator on each, instead of failing the record.
//
// It is a module of its own so that goccy/go-json is never a dependency of the product.
// Run, from this directory (make bench does):
//
//	GOWORK=off go test -count=1 .
//	GOWORK=off go test -run '^$' -bench . -benchmem -count 6 -cpu 1,2 . | tee standin.txt
//	benchstat -col /impl standin.txt
package contribstandin
