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
# Tests talk to loopback only: never let the SDK look for EC2 instance metadata.
export AWS_EC2_METADATA_DISABLED := true

.PHONY: all test vet lint generate check-generate check-tidy unit build run bench tools clean

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

unit:
	$(GO) test -race -count=1 ./...

build: $(OTELCOL)

$(OTELCOL): $(BUILDER) builder-config.yaml go.mod go.sum $(shell find receiver internal -name '*.go' -not -name '*_test.go')
	mkdir -p $(DIST)
	$(BUILDER) --config builder-config.yaml

$(AWSEMU): $(shell find internal/awsemu cmd/awsemu -name '*.go' -not -name '*_test.go' 2>/dev/null)
	$(GO) build -o $(AWSEMU) ./cmd/awsemu

run: build
	@echo "Built $(OTELCOL). To poll AWS: $(OTELCOL) --config testdata/aws.yaml"

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.out

tools: $(GOLANGCI_LINT) $(BUILDER)

$(GOLANGCI_LINT):
	GOBIN=$(TOOLS_BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

$(BUILDER):
	GOBIN=$(TOOLS_BIN) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(BUILDER_VERSION)

clean:
	rm -rf build bin .tools bench.out
