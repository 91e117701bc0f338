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
# The checksum database does not list this module; go.sum pins it for our module, and the
# collector build's own go.sum is made fresh by ocb.
NOSUMDB        := github.com/aws/aws-sdk-go-v2/service/lookoutmetrics
# Tests talk to loopback only: never let the SDK look for EC2 instance metadata.
export AWS_EC2_METADATA_DISABLED := true

.PHONY: all test vet lint generate check-generate check-tidy unit build awsemu run bench tools clean

all: build

test: vet lint check-generate check-tidy unit

vet:
	$(GO) vet ./...

lint: $(GOLANGCI_LINT)
	$(GOLANGCI_LINT) run ./...

generate:
	$(GO) generate ./...

# Regenerate mdatagen output and fail if anything changed: generated code stays generated.
check-generate: generate
	@if [ -n "$$(git status --porcelain -- receiver)" ]; then \
		echo "generated code is out of date; run 'make generate' and commit:"; \
		git status --porcelain -- receiver; git --no-pager diff --stat -- receiver; exit 1; fi

check-tidy:
	$(GO) mod tidy -diff

# Unit, integration and end-to-end tests; the end-to-end ones run the two binaries.
unit: $(OTELCOL) $(AWSEMU)
	OTELCOL_BIN=$(CURDIR)/$(OTELCOL) AWSEMU_BIN=$(CURDIR)/$(AWSEMU) $(GO) test -race -count=1 ./...

build: $(OTELCOL)

$(OTELCOL): $(BUILDER) builder-config.yaml go.mod go.sum $(shell find receiver internal -name '*.go' -not -name '*_test.go')
	mkdir -p $(DIST)
	GONOSUMDB=$(NOSUMDB) $(BUILDER) --config builder-config.yaml

awsemu: $(AWSEMU)

$(AWSEMU): $(shell find internal/awsemu cmd/awsemu -name '*.go' -not -name '*_test.go' 2>/dev/null)
	$(GO) build -o $(AWSEMU) ./cmd/awsemu

# The main job on the embedded default: the emulator with a live Lookout for Metrics
# workload (and an hour of history), and the collector printing every log record it
# polls from it. Ctrl-C stops both.
RUN_ADDR ?= 127.0.0.1:4566
run: $(OTELCOL) $(AWSEMU)
	@mkdir -p build/run
	@set +e; \
	$(AWSEMU) -addr $(RUN_ADDR) -seed-events 200 -seed-span 1h -workload-rate 0.5 \
		-delivery-delay-min 5s -delivery-delay-max 30s > build/run/awsemu.log 2>&1 & emu=$$!; \
	trap 'kill -TERM $$emu 2>/dev/null; wait $$emu 2>/dev/null' EXIT; \
	for i in $$(seq 50); do grep -q "listening" build/run/awsemu.log && break; sleep 0.1; done; \
	grep "listening" build/run/awsemu.log || { cat build/run/awsemu.log; exit 1; }; \
	echo "otelcol-cloudtrail: log records below, also in build/run/logs.json (OTLP JSON). Ctrl-C stops."; \
	AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=emulator-does-not-check \
	AWS_REGION=us-east-1 $(OTELCOL) --config testdata/run.yaml; status=$$?; \
	[ $$status -eq 0 ] || [ $$status -eq 130 ]

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.out

tools: $(GOLANGCI_LINT) $(BUILDER)

$(GOLANGCI_LINT):
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

$(BUILDER):
	GOBIN=$(TOOLS_BIN) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(BUILDER_VERSION)

clean:
	rm -rf build bin .tools bench.out
