// A module of its own, so that the stand-in's JSON library never enters the product's go.mod.
module github.com/otelcol-cloudtrail/awscloudtrail/bench/contribstandin

go 1.26.0

replace github.com/otelcol-cloudtrail/awscloudtrail => ../..

require (
	github.com/goccy/go-json v0.10.5
	github.com/otelcol-cloudtrail/awscloudtrail v0.0.0-00010101000000-000000000000
	github.com/stretchr/testify v1.12.1
	go.opentelemetry.io/collector/pdata v1.71.0
)

require (
	github.com/hashicorp/go-version v1.9.0 // indirect
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd // indirect
	github.com/modern-go/reflect2 v1.0.3-0.20250322232337-35a7c28c31ee // indirect
	go.opentelemetry.io/collector/featuregate v1.71.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
