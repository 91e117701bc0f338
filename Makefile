# Everything a fresh machine needs is installed by these targets, pinned.
SHELL          := /bin/bash
GO             ?= go
TOOLS_BIN      := $(CURDIR)/.tools/bin
GOLANGCI_LINT  := $(TOOLS_BIN)/golangci-lint
BUILDER        := $(TOOLS_BIN)/builder
GOLANGCI_VERSION := v2.15.0
BUILDER_VERSION  := v0.165.0
DIST           := build/otelcol-cloudtrail
OTELCOL        := $(DIST)/otelcol-cloudtrail
AWSEMU         := bin/awsemu
TRACEDCLIENT   := bin/tracedclient
RUNVIEW        := bin/runview
MODPACK        := bin/modpack
OTLPFILE       := bin/otlpfile
# Tests talk to loopback only: never let the SDK look for EC2 instance metadata.
export AWS_EC2_METADATA_DISABLED := true
# The third-party servers of the SQS input's integration tests (.ci/install-servers.sh);
# under CI=true a test that misses one fails.
export VERSITYGW_BIN   := $(CURDIR)/.tools/bin/versitygw
export FAUXQS_LAUNCHER := $(CURDIR)/.tools/bin/fauxqs-launch

.PHONY: all test test-steps vet lint generate check-generate check-tidy unit demo check-user-build fuzz reliability build awsemu run bench perf-org tools servers clean

all: build

# Two modules: the product (this directory) and the demo (emulator, traced client,
# end-to-end suites), joined by go.work. Every check runs in both.
MODULES := . demo

# Everything, with the elapsed time at the end.
test:
	@start=$$(date +%s); $(MAKE) --no-print-directory test-steps; rc=$$?; \
	echo "make test: $$(( $$(date +%s) - start ))s, exit $$rc"; exit $$rc

test-steps: vet lint check-generate check-tidy unit demo check-user-build

vet:
	@for m in $(MODULES); do echo "go vet ($$m)"; (cd $$m && $(GO) vet ./...) || exit 1; done

lint: $(GOLANGCI_LINT)
	@for m in $(MODULES); do echo "golangci-lint ($$m)"; (cd $$m && $(GOLANGCI_LINT) run ./...) || exit 1; done

generate:
	$(GO) generate ./...

# Regenerate mdatagen output and fail if that changed any generated file (generated_*.go,
# internal/metadata*, documentation.md, the READMEs' status sections): generated code
# stays generated. Other local edits under receiver/ or processor/ do not matter, nor
# does a README edit outside its status section. The receiver's README is the top-level
# one (receiver/awscloudtrailreceiver/README.md is a link to it, as metadata.yaml the other way).
GENERATED_SUMS = find README.md receiver processor -type f \( -name 'generated_*.go' -o -name documentation.md -o -name README.md \
	-o -path '*/internal/metadata/*' -o -path '*/internal/metadatatest/*' \) -print0 | sort -z | xargs -0 sha256sum
check-generate:
	@before="$$($(GENERATED_SUMS))"; $(GO) generate ./... || exit 1; after="$$($(GENERATED_SUMS))"; \
	if [ "$$before" != "$$after" ]; then \
		echo "generated code is out of date (now regenerated); commit it:"; \
		diff <(echo "$$before") <(echo "$$after") | sed -n 's/^> [0-9a-f]*  /  /p'; exit 1; fi

check-tidy:
	@for m in $(MODULES); do echo "go mod tidy -diff ($$m)"; (cd $$m && GOWORK=off $(GO) mod tidy -diff) || exit 1; done

# The product module's unit and integration tests: no binaries needed.
unit: servers
	$(GO) test -race -count=1 ./...

# The demo module's tests: the emulator, the traced client and the end-to-end suite,
# which runs the binaries (built first).
demo: servers $(OTELCOL) $(AWSEMU) $(TRACEDCLIENT)
	@mkdir -p build && rm -f build/reliability-short.txt
	cd demo && OTELCOL_BIN=$(CURDIR)/$(OTELCOL) AWSEMU_BIN=$(CURDIR)/$(AWSEMU) TRACEDCLIENT_BIN=$(CURDIR)/$(TRACEDCLIENT) \
		E2E_REPORT=$(CURDIR)/build/reliability-short.txt $(GO) test -race -count=1 -timeout 30m ./...
	@cat build/reliability-short.txt 2>/dev/null || true

# A user's build: the product packed at a pseudo-version into a local module proxy, ocb with
# a manifest that names it by version (no replace), and a check of the binary's modules.
check-user-build: $(BUILDER) $(MODPACK)
	demo/user-build.sh $(BUILDER) $(CURDIR)/$(MODPACK)

$(MODPACK): demo/go.mod $(shell find demo/cmd/modpack -name '*.go')
	cd demo && $(GO) build -o $(CURDIR)/$(MODPACK) ./cmd/modpack

build: $(OTELCOL)

# ocb's output directory lies under go.work: build it as a module of its own (GOWORK=off),
# as a user's build is.
$(OTELCOL): $(BUILDER) builder-config.yaml go.mod go.sum $(shell find receiver processor internal -name '*.go' -not -name '*_test.go')
	mkdir -p $(DIST)
	GOWORK=off $(BUILDER) --config builder-config.yaml

awsemu: $(AWSEMU)

$(TRACEDCLIENT): demo/go.mod $(shell find demo/cmd/tracedclient -name '*.go' -not -name '*_test.go')
	cd demo && $(GO) build -o $(CURDIR)/$(TRACEDCLIENT) ./cmd/tracedclient

$(OTLPFILE): demo/go.mod $(shell find demo/otlpfile demo/cmd/otlpfile -name '*.go' -not -name '*_test.go')
	cd demo && $(GO) build -o $(CURDIR)/$(OTLPFILE) ./cmd/otlpfile

$(AWSEMU): demo/go.mod $(shell find internal/awsemu demo/lmemu demo/trailfeed demo/cmd/awsemu -name '*.go' -not -name '*_test.go' 2>/dev/null)
	cd demo && $(GO) build -o $(CURDIR)/$(AWSEMU) ./cmd/awsemu

# The main job on the embedded default: the emulator with an hour of Lookout for Metrics
# history, the collector printing every log record it receives from it (and sending it to
# bin/otlpfile, which keeps it in build/run/logs.json), and two traced clients (otelaws,
# and the X-Ray SDK, whose segments tracedclient turns into spans) making live calls
# whose records arrive stamped with their trace. The real-time path runs beside
# LookupEvents: versitygw (S3) and fauxqs (SQS) on loopback, the emulator sending each call
# at once as an EventBridge event and every RUN_TRAIL_INTERVAL as trail files with S3
# notifications, all on one queue that the receiver's sqs input reads; both inputs share
# one de-duplication index, so each call is shown once, seconds after it was made (the
# AFTER column), while LookupEvents shows it only after RUN_DELIVERY_MIN..MAX. Ctrl-C
# stops everything.
RUN_ADDR           ?= 127.0.0.1:4566
RUN_S3_ADDR        ?= 127.0.0.1:4567
RUN_SQS_ADDR       ?= 127.0.0.1:4568
RUN_TRAIL_INTERVAL ?= 10s
RUN_DELIVERY_MIN   ?= 30s
RUN_DELIVERY_MAX   ?= 60s
# testdata/run.yaml names the same addresses and queue.
RUN_QUEUE_URL      := http://$(RUN_SQS_ADDR)/000000000000/cloudtrail-events
RUN_KEY            := AKIAIOSFODNN7EXAMPLE
RUN_SECRET         := emulator-does-not-check
run: servers $(OTELCOL) $(AWSEMU) $(TRACEDCLIENT) $(OTLPFILE) $(RUNVIEW)
	@rm -rf build/run && mkdir -p build/run/s3/root build/run/s3/sidecar
	@set +e; \
	trap 'kill -TERM $$emu $$sink $$col $$otel $$xray $$view $$s3 $$sqs 2>/dev/null; wait 2>/dev/null' EXIT; \
	ROOT_ACCESS_KEY=$(RUN_KEY) ROOT_SECRET_KEY=$(RUN_SECRET) $(VERSITYGW_BIN) --port $(RUN_S3_ADDR) \
		posix --sidecar $(CURDIR)/build/run/s3/sidecar $(CURDIR)/build/run/s3/root > build/run/versitygw.log 2>&1 & s3=$$!; \
	FAUXQS_PORT=$(lastword $(subst :, ,$(RUN_SQS_ADDR))) $(FAUXQS_LAUNCHER) > build/run/fauxqs.log 2>&1 & sqs=$$!; \
	for i in $$(seq 100); do grep -q "listening" build/run/versitygw.log && grep -q "listening" build/run/fauxqs.log && break; sleep 0.1; done; \
	grep -q "listening" build/run/versitygw.log || { cat build/run/versitygw.log; exit 1; }; \
	grep -q "listening" build/run/fauxqs.log || { cat build/run/fauxqs.log; exit 1; }; \
	AWS_ACCESS_KEY_ID=$(RUN_KEY) AWS_SECRET_ACCESS_KEY=$(RUN_SECRET) \
	$(AWSEMU) -addr $(RUN_ADDR) -seed-events 200 -seed-span 1h \
		-delivery-delay-min $(RUN_DELIVERY_MIN) -delivery-delay-max $(RUN_DELIVERY_MAX) \
		-sqs-endpoint http://$(RUN_SQS_ADDR) -s3-endpoint http://$(RUN_S3_ADDR) -feed-create \
		-eventbridge-queue-url $(RUN_QUEUE_URL) -trail-queue-url $(RUN_QUEUE_URL) -trail-interval $(RUN_TRAIL_INTERVAL) \
		> build/run/awsemu.log 2>&1 & emu=$$!; \
	$(OTLPFILE) -addr 127.0.0.1:4319 -out build/run/logs.json > build/run/otlpfile.log 2>&1 & sink=$$!; \
	for i in $$(seq 100); do grep -q "listening" build/run/awsemu.log && grep -q "listening" build/run/otlpfile.log && break; sleep 0.1; done; \
	grep -q "listening" build/run/awsemu.log || { cat build/run/awsemu.log; exit 1; }; \
	grep -q "listening" build/run/otlpfile.log || { cat build/run/otlpfile.log; exit 1; }; \
	AWS_ACCESS_KEY_ID=$(RUN_KEY) AWS_SECRET_ACCESS_KEY=$(RUN_SECRET) \
	AWS_ENDPOINT_URL_STS=http://$(RUN_ADDR) AWS_REGION=us-east-1 \
		$(OTELCOL) --config testdata/run.yaml > build/run/otelcol.log 2>&1 & col=$$!; \
	( sleep 3; exec $(TRACEDCLIENT) -endpoint http://$(RUN_ADDR) -mode otel -calls 1000000 -rate 0.5 \
		-otlp-endpoint http://127.0.0.1:4318 ) > build/run/tracedclient-otel.log 2>&1 & otel=$$!; \
	( sleep 3; exec $(TRACEDCLIENT) -endpoint http://$(RUN_ADDR) -mode xray -calls 1000000 -rate 0.25 \
		-xray-otlp-endpoint http://127.0.0.1:4318 -access-key ASIADEPLOY0000000003 ) > build/run/tracedclient-xray.log 2>&1 & xray=$$!; \
	echo "One line per CloudTrail record (AFTER: how long after the call it arrived); the full records"; \
	echo "(OTLP JSON) are in build/run/logs.json, the collector's own log in build/run/otelcol.log."; \
	echo "Live calls arrive in seconds over SQS (EventBridge events, trail files every $(RUN_TRAIL_INTERVAL)),"; \
	echo "each once; LookupEvents would show them after $(RUN_DELIVERY_MIN)-$(RUN_DELIVERY_MAX). Ctrl-C stops everything."; \
	$(RUNVIEW) -file build/run/logs.json & view=$$!; \
	wait $$col; status=$$?; \
	[ $$status -eq 0 ] || [ $$status -eq 130 ] || [ $$status -eq 143 ] || { tail -20 build/run/otelcol.log; exit $$status; }

$(RUNVIEW): demo/go.mod $(shell find demo/cmd/runview -name '*.go' -not -name '*_test.go')
	cd demo && $(GO) build -o $(CURDIR)/$(RUNVIEW) ./cmd/runview

# Every fuzz target for a short, fixed time (the seed corpora also run in `unit`).
FUZZTIME ?= 10s
FUZZ_TARGETS := internal/translate:FuzzTranslate internal/translate:FuzzParseObject internal/cloudtrail:FuzzLookupResponse internal/cloudtrail:FuzzDecodeMatchesSDK \
	internal/redact:FuzzRecord internal/redact:FuzzRedactDifferential internal/cjson:FuzzRecordStream \
	internal/poll:FuzzStreamPages internal/checkpoint:FuzzUnmarshal internal/sqsinput:FuzzParse
# Random page-shape histories played against a poll stream (30 under -short, 100 in unit).
POLL_PROPERTY_SEEDS ?= 5000
fuzz:
	POLL_PROPERTY_SEEDS=$(POLL_PROPERTY_SEEDS) $(GO) test -count=1 -timeout 30m -run '^TestStreamProperty$$' ./internal/poll
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$fn ($(FUZZTIME))"; \
		bash .ci/fuzz-target.sh $$pkg $$fn $(FUZZTIME) || exit 1; done

# The full reliability suite: the real binaries, full-size scenarios, one table.
reliability: $(OTELCOL) $(AWSEMU)
	@mkdir -p build
	cd demo && E2E_FULL=1 E2E_REPORT=$(CURDIR)/build/reliability.txt OTELCOL_BIN=$(CURDIR)/$(OTELCOL) \
		AWSEMU_BIN=$(CURDIR)/$(AWSEMU) $(GO) test -count=1 -timeout 60m -run 'TestReliability' ./e2e
	@cat build/reliability.txt

# Go benchmarks (medians of 6 runs, by benchstat); the translator against a stand-in of the
# contrib CloudTrail unmarshaler's design on the mixed corpus (bench/contribstandin, a module
# of its own, whose test first checks that both set the same attributes), one column per
# implementation, on one core (GOMAXPROCS=1) and on two; then the process-level runs against
# the emulator: backfill throughput, scale across streams, memory, latency. One table each.
BENCHSTAT := $(TOOLS_BIN)/benchstat
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
bench: servers $(OTELCOL) $(AWSEMU) $(BENCHSTAT)
	@mkdir -p build
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./internal/... ./processor/... > build/bench.txt
	$(BENCHSTAT) build/bench.txt
	cd bench/contribstandin && GOWORK=off $(GO) test -count=1 . && \
		GOWORK=off $(GO) test -run '^$$' -bench . -benchmem -count 6 -cpu 1,2 . > $(CURDIR)/build/bench-standin.txt
	$(BENCHSTAT) -col /impl build/bench-standin.txt
	SQS_BIG_FILE_MB=1024 $(GO) test -count=1 -run TestBigTrailFileBoundedMemory -v ./internal/sqsinput | grep -E 'streamed|^(ok|FAIL|---)'
	cd demo && E2E_PERF=1 E2E_PERF_REPORT=$(CURDIR)/build/perf.txt OTELCOL_BIN=$(CURDIR)/$(OTELCOL) \
		AWSEMU_BIN=$(CURDIR)/$(AWSEMU) $(GO) test -count=1 -timeout 60m -run 'TestPerf' ./e2e
	@cat build/perf.txt

# Issue 11's organisation-scale run, alone (bench skips it): 50 accounts x 17 regions, an
# hour of history each: up to an hour, and 6 GB of emulator memory or more. E2E_ORG_ACCOUNTS,
# E2E_ORG_REGIONS, E2E_ORG_HISTORY and E2E_ORG_STEADY shrink it (demo/e2e/perf_org_test.go).
perf-org: $(OTELCOL) $(AWSEMU)
	@mkdir -p build
	cd demo && E2E_PERF=1 E2E_PERF_ORG=1 E2E_PERF_REPORT=$(CURDIR)/build/perf-org.txt E2E_PERF_PROFILES=$(CURDIR)/build/perf-org-profiles OTELCOL_BIN=$(CURDIR)/$(OTELCOL) \
		AWSEMU_BIN=$(CURDIR)/$(AWSEMU) $(GO) test -count=1 -timeout 120m -run 'TestPerfOrganization' -v ./e2e
	@cat build/perf-org.txt

tools: $(GOLANGCI_LINT) $(BUILDER) $(BENCHSTAT) servers

# versitygw (S3) and fauxqs (SQS, SNS) for the SQS input's tests, pinned, into .tools/.
servers:
	bash .ci/install-servers.sh

$(BENCHSTAT):
	GOBIN=$(TOOLS_BIN) $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)

$(GOLANGCI_LINT):
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

$(BUILDER):
	GOBIN=$(TOOLS_BIN) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(BUILDER_VERSION)

clean:
	rm -rf build bin .tools
