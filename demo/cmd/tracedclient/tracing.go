// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws/middleware"
	smithymw "github.com/aws/smithy-go/middleware"
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws" //nolint:staticcheck // v0.72.0, the pinned version, marks itself deprecated
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// instrumentation traces the SDK client's calls in one mode.
type instrumentation struct {
	// apiOptions instrument the client; the probe that reads each call's IDs is added last.
	apiOptions []func(*smithymw.Stack) error
	// begin starts a call's root span or segment; the function it returns ends it.
	begin func(ctx context.Context, op string) (context.Context, func(error))
	// ids returns the trace and span IDs (hex, as OTLP shows them) of the client span in
	// ctx, as seen inside the instrumentation's middleware; "" when there is none.
	ids func(ctx context.Context) (traceID, spanID string)
	// shutdown flushes what is still buffered.
	shutdown func(ctx context.Context) error
}

func noBegin(ctx context.Context, _ string) (context.Context, func(error)) {
	return ctx, func(error) {}
}

func newInstrumentation(ctx context.Context, cfg *config, stderr io.Writer) (*instrumentation, error) {
	switch cfg.mode {
	case modeOTel:
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.otlpEndpoint))
		if err != nil {
			return nil, err
		}
		return otelInstrumentation(cfg.service, sdktrace.WithBatcher(exp)), nil
	case modeXRay:
		if cfg.xrayOTLPEndpoint == "" {
			in, _, err := xrayInstrumentation(cfg.service, cfg.xrayDaemon, stderr)
			return in, err
		}
		bridge, addr, err := startXRayBridge(cfg.xrayOTLPEndpoint)
		if err != nil {
			return nil, err
		}
		in, emitter, err := xrayInstrumentation(cfg.service, addr, stderr)
		if err != nil {
			return nil, errors.Join(err, bridge.close(ctx, 0))
		}
		// Every segment sent is exported before the command ends.
		in.shutdown = func(ctx context.Context) error { return bridge.close(ctx, emitter.emitted()) }
		return in, nil
	}
	return &instrumentation{begin: noBegin, ids: func(context.Context) (string, string) { return "", "" },
		shutdown: func(context.Context) error { return nil }}, nil
}

// otelInstrumentation traces with otelaws under a root span per call, exported by opt.
func otelInstrumentation(service string, opt sdktrace.TracerProviderOption) *instrumentation {
	tp := sdktrace.NewTracerProvider(opt, sdktrace.WithResource(resource.NewSchemaless(
		attribute.String("service.name", service))))
	in := &instrumentation{shutdown: tp.Shutdown}
	otelaws.AppendMiddlewares(&in.apiOptions, otelaws.WithTracerProvider(tp))
	tracer := tp.Tracer("github.com/otelcol-cloudtrail/awscloudtrail/cmd/tracedclient")
	in.begin = func(ctx context.Context, op string) (context.Context, func(error)) {
		ctx, span := tracer.Start(ctx, "call "+op)
		return ctx, func(error) { span.End() }
	}
	in.ids = func(ctx context.Context) (string, string) {
		sc := trace.SpanContextFromContext(ctx)
		if !sc.IsValid() {
			return "", ""
		}
		return sc.TraceID().String(), sc.SpanID().String()
	}
	return in
}

// callInfo is what the probe learns about one call.
type callInfo struct {
	traceID, spanID, requestID string
}

type callInfoKey struct{}

// probe is an Initialize middleware that runs inside the instrumentation's: it reads the
// client span's IDs from the context, and the request ID from the response metadata
// (which the SDK also sets on failed calls), into the context's *callInfo.
func probe(ids func(ctx context.Context) (string, string)) func(*smithymw.Stack) error {
	return func(stack *smithymw.Stack) error {
		return stack.Initialize.Add(smithymw.InitializeMiddlewareFunc("tracedclientProbe",
			func(ctx context.Context, in smithymw.InitializeInput, next smithymw.InitializeHandler) (
				smithymw.InitializeOutput, smithymw.Metadata, error,
			) {
				info, _ := ctx.Value(callInfoKey{}).(*callInfo)
				if info != nil {
					info.traceID, info.spanID = ids(ctx)
				}
				out, md, err := next.HandleInitialize(ctx, in)
				if id, ok := middleware.GetRequestIDMetadata(md); ok && info != nil {
					info.requestID = id
				}
				return out, md, err
			}), smithymw.After)
	}
}
