# Everything a fresh machine needs is installed by these targets, pinned.
SHELL          := /bin/bash
GO             ?= go
TOOLS_BIN      := $(CURDIR)/.tools/bin
GOLANGCI_LINT  := $(TOOLS_BIN)/golangci-lint
BUILDER        := $(TOOLS_BIN)/builder
GOLANGCI_VERSION := v2.15.0
BUILDER_VERSION  := v0.162.0
DIST           := build/otelcol-cloudtrail
OTELCOL        := $(DIST)/otelcol-cloudtrail
AWSEMU         := bin/awsemu
TRACEDCLIENT   := bin/tracedclient
# The checksum database does not list this module; go.sum pins it for our module, and the
# collector build's own go.sum is made fresh by ocb.
NOSUMDB        := github.com/aws/aws-sdk-go-v2/service/lookoutmetrics
# Tests talk to loopback only: never let the SDK look for EC2 instance metadata.
export AWS_EC2_METADATA_DISABLED := true
# The third-party servers of the SQS input's integration tests (.ci/install-servers.sh);
# under CI=true a test that misses one fails.
export VERSITYGW_BIN   := $(CURDIR)/.tools/bin/versitygw
export FAUXQS_LAUNCHER := $(CURDIR)/.tools/bin/fauxqs-launch

.PHONY: all test vet lint generate check-generate check-tidy unit fuzz reliability build awsemu run bench tools servers clean

all: build

test: vet lint check-generate check-tidy unit fuzz

vet:
	$(GO) vet ./...

lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...

generate:
	$(GO) generate ./...

# Regenerate mdatagen output and fail if anything changed: generated code stays generated.
check-generate: generate
	@if [ -n "$$(git status --porcelain -- receiver processor)" ]; then \
		echo "generated code is out of date; run 'make generate' and commit:"; \
		git status --porcelain -- receiver processor; git --no-pager diff --stat -- receiver processor; exit 1; fi

check-tidy:
	$(GO) mod tidy -diff

# Unit, integration and end-to-end tests; the end-to-end ones run the two binaries.
unit: $(OTELCOL) $(AWSEMU) $(TRACEDCLIENT) servers
	@mkdir -p build && rm -f build/reliability-short.txt
	OTELCOL_BIN=$(CURDIR)/$(OTELCOL) AWSEMU_BIN=$(CURDIR)/$(AWSEMU) TRACEDCLIENT_BIN=$(CURDIR)/$(TRACEDCLIENT) \
		E2E_REPORT=$(CURDIR)/build/reliability-short.txt $(GO) test -race -count=1 ./...
	@cat build/reliability-short.txt 2>/dev/null || true

build: $(OTELCOL)

$(OTELCOL): $(BUILDER) builder-config.yaml go.mod go.sum $(shell find receiver processor internal -name '*.go' -not -name '*_test.go')
	mkdir -p $(DIST)
	GONOSUMDB=$(NOSUMDB) $(BUILDER) --config builder-config.yaml

awsemu: $(AWSEMU)

$(TRACEDCLIENT): $(shell find cmd/tracedclient -name '*.go' -not -name '*_test.go')
	$(GO) build -o $(TRACEDCLIENT) ./cmd/tracedclient

$(AWSEMU): $(shell find internal/awsemu cmd/awsemu -name '*.go' -not -name '*_test.go' 2>/dev/null)
	$(GO) build -o $(AWSEMU) ./cmd/awsemu

# The main job on the embedded default: the emulator with an hour of Lookout for Metrics
# history, the collector printing every log record it polls from it, and two traced
# clients (otelaws over OTLP, and the X-Ray SDK) making live calls whose records arrive
# stamped with their trace. Ctrl-C stops everything.
RUN_ADDR ?= 127.0.0.1:4566
run: $(OTELCOL) $(AWSEMU) $(TRACEDCLIENT)
	@mkdir -p build/run
	@set +e; \
	$(AWSEMU) -addr $(RUN_ADDR) -seed-events 200 -seed-span 1h \
		-delivery-delay-min 5s -delivery-delay-max 30s > build/run/awsemu.log 2>&1 & emu=$$!; \
	trap 'kill -TERM $$emu $$otel $$xray 2>/dev/null; wait 2>/dev/null' EXIT; \
	for i in $$(seq 50); do grep -q "listening" build/run/awsemu.log && break; sleep 0.1; done; \
	grep "listening" build/run/awsemu.log || { cat build/run/awsemu.log; exit 1; }; \
	echo "otelcol-cloudtrail: log records below, also in build/run/logs.json (OTLP JSON). Ctrl-C stops."; \
	( sleep 3; exec $(TRACEDCLIENT) -endpoint http://$(RUN_ADDR) -mode otel -calls 1000000 -rate 0.5 \
		-otlp-endpoint http://127.0.0.1:4318 ) > build/run/tracedclient-otel.log 2>&1 & otel=$$!; \
	( sleep 3; exec $(TRACEDCLIENT) -endpoint http://$(RUN_ADDR) -mode xray -calls 1000000 -rate 0.25 \
		-xray-daemon 127.0.0.1:2000 -access-key ASIADEPLOY0000000003 ) > build/run/tracedclient-xray.log 2>&1 & xray=$$!; \
	AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=emulator-does-not-check \
	AWS_REGION=us-east-1 $(OTELCOL) --config testdata/run.yaml; status=$$?; \
	[ $$status -eq 0 ] || [ $$status -eq 130 ]

# Every fuzz target for a short, fixed time (the seed corpora also run in `unit`).
FUZZTIME ?= 10s
FUZZ_TARGETS := internal/translate:FuzzTranslate internal/translate:FuzzParseObject internal/cloudtrail:FuzzLookupResponse \
	internal/redact:FuzzRecord internal/sqsinput:FuzzParse
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$fn ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./$$pkg || exit 1; done

# The full reliability suite: the real binaries, full-size scenarios, one table.
reliability: $(OTELCOL) $(AWSEMU)
	@mkdir -p build
	E2E_FULL=1 E2E_REPORT=$(CURDIR)/build/reliability.txt OTELCOL_BIN=$(CURDIR)/$(OTELCOL) \
		AWSEMU_BIN=$(CURDIR)/$(AWSEMU) $(GO) test -count=1 -timeout 60m -run 'TestReliability' ./internal/e2e
	@cat build/reliability.txt

# Go benchmarks (medians of 6 runs, by benchstat), then the process-level runs against the
# emulator: backfill throughput, scale across streams, memory, latency. One table each.
BENCHSTAT := $(TOOLS_BIN)/benchstat
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
bench: $(OTELCOL) $(AWSEMU) $(BENCHSTAT)
	@mkdir -p build
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./internal/... ./processor/... > build/bench.txt
	$(BENCHSTAT) build/bench.txt
	SQS_BIG_FILE_MB=1024 $(GO) test -count=1 -run TestBigTrailFileBoundedMemory -v ./internal/sqsinput | grep -E 'streamed|^(ok|FAIL|---)'
	E2E_PERF=1 E2E_PERF_REPORT=$(CURDIR)/build/perf.txt OTELCOL_BIN=$(CURDIR)/$(OTELCOL) \
		AWSEMU_BIN=$(CURDIR)/$(AWSEMU) $(GO) test -count=1 -timeout 60m -run 'TestPerf' ./internal/e2e
	@cat build/perf.txt

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
