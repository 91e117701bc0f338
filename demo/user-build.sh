#!/usr/bin/env bash
# Builds a collector the way a user does: the product module packed at a pseudo-version into
# a local file-based module proxy, an ocb manifest that names it by that version with no
# replace directive, then checks that the binary carries none of the modules that only the
# demo needs (X-Ray SDK, aws-sdk-go v1, otelaws, the Lookout for Metrics SDK, the demo).
# Usage: demo/user-build.sh BUILDER MODPACK   (make check-user-build passes both)
set -euo pipefail
builder=$1 modpack=$2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ts=$(TZ=UTC git -C "$root" log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S)
version="v0.0.0-$ts-$(git -C "$root" rev-parse --short=12 HEAD)"
"$modpack" -dir "$root" -version "$version" -proxy "$work/proxy"

core=$(sed -n 's/^BUILDER_VERSION *:= *//p' "$root/Makefile")
provider=$(sed -n 's/.*confmap\/provider\/fileprovider \(v[0-9.]*\).*/\1/p' "$root/builder-config.yaml" | head -1)
cat > "$work/builder-config.yaml" <<YAML
dist:
  name: otelcol-user
  output_path: $work/dist
receivers:
  - gomod: github.com/otelcol-cloudtrail/awscloudtrail $version
    import: github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver
processors:
  - gomod: github.com/otelcol-cloudtrail/awscloudtrail $version
    import: github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter $core
providers:
  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider $provider
  - gomod: go.opentelemetry.io/collector/confmap/provider/fileprovider $provider
YAML
echo "user build: github.com/otelcol-cloudtrail/awscloudtrail $version from a local proxy, no replace"
(cd "$work" && GOWORK=off GOFLAGS=-mod=mod GOPROXY="file://$work/proxy,$(go env GOPROXY)" \
  GONOSUMDB="github.com/otelcol-cloudtrail/*,$(go env GONOSUMDB)" GONOSUMCHECK=1 \
  "$builder" --config builder-config.yaml >"$work/build.log" 2>&1) || { tail -40 "$work/build.log"; exit 1; }
go version -m "$work/dist/otelcol-user" > "$work/modules.txt"
grep -q "github.com/otelcol-cloudtrail/awscloudtrail[[:space:]]*$version" "$work/modules.txt" \
  || { echo "the binary does not carry our module at $version"; cat "$work/modules.txt"; exit 1; }
unwanted='github.com/aws/aws-xray-sdk-go|github.com/aws/aws-sdk-go[[:space:]]|otelaws|service/lookoutmetrics|awsxrayreceiver|otelcol-cloudtrail/awscloudtrail/demo'
if grep -E "$unwanted" "$work/modules.txt"; then
  echo "user build: the binary carries modules only the demo needs (above)"; exit 1
fi
echo "user build: ok, $(grep -c $'^\tdep' "$work/modules.txt") modules, none of: ${unwanted//|/, }"
