#!/usr/bin/env sh
# Puts the project's SPDX header on every Go file below the given directories (default: the
# current one) that lacks it. `go generate` runs it after mdatagen, so generated files carry
# it too; the "Code generated ... DO NOT EDIT." line stays among the leading comments, where
# Go's tools look for it.
set -eu
[ $# -gt 0 ] || set -- .
find "$@" -name '*.go' -not -path '*/.tools/*' -not -path '*/build/*' | while read -r f; do
  head -n 3 "$f" | grep -q 'SPDX-License-Identifier' && continue
  { printf '%s\n%s\n\n' '// Copyright The awscloudtrail receiver authors' '// SPDX-License-Identifier: Apache-2.0'; cat "$f"; } > "$f.spdx"
  mv "$f.spdx" "$f"
done
