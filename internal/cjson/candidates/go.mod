// A module of its own, so that the candidate libraries never enter the product's go.mod.
module github.com/otelcol-cloudtrail/awscloudtrail/internal/cjson/candidates

go 1.26.0

replace github.com/otelcol-cloudtrail/awscloudtrail => ../../..

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/otelcol-cloudtrail/awscloudtrail v0.0.0-00010101000000-000000000000
	github.com/valyala/fastjson v1.6.10
)
