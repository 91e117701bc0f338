// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package candidates holds the benchmark that chose the receiver's JSON tokenizer
// (internal/cjson's tape) over github.com/go-json-experiment/json/jsontext and
// github.com/valyala/fastjson. It is a module of its own so that neither library is a
// dependency of the product.
package candidates
