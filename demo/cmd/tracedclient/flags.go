// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
)

// Modes: how the calls are traced.
const (
	modeOTel  = "otel" // otelaws, spans exported over OTLP/HTTP
	modeXRay  = "xray" // the X-Ray SDK's aws-sdk-go-v2 instrumentor, segments over UDP
	modeNone  = "none" // not traced
	tracesURL = "/v1/traces"
)

// config is what the command line asks for.
type config struct {
	endpoint     string
	region       string
	accessKey    string
	mode         string
	otlpEndpoint string
	xrayDaemon   string
	// xrayOTLPEndpoint, when set in mode xray, takes the segments instead of the daemon:
	// they are exported as spans over OTLP/HTTP (see xrayBridge).
	xrayOTLPEndpoint string
	service          string
	calls            int
	rate             float64
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("tracedclient", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.endpoint, "endpoint", "http://127.0.0.1:4566", "Lookout for Metrics endpoint (the awsemu emulator)")
	fs.StringVar(&c.region, "region", "us-east-1", "region the client signs for")
	fs.StringVar(&c.accessKey, "access-key", "AKIAALICE00000000001", "access key ID to call with (the emulator ignores the secret)")
	fs.StringVar(&c.mode, "mode", modeOTel, "tracing: otel (otelaws + OTLP), xray (X-Ray SDK + UDP daemon) or none")
	fs.StringVar(&c.otlpEndpoint, "otlp-endpoint", "http://127.0.0.1:4318"+tracesURL, "OTLP/HTTP traces URL (mode otel); without a path, "+tracesURL+" is added")
	fs.StringVar(&c.xrayDaemon, "xray-daemon", "127.0.0.1:2000", "X-Ray daemon UDP address (mode xray), e.g. the collector's awsxray receiver")
	fs.StringVar(&c.xrayOTLPEndpoint, "xray-otlp-endpoint", "", "mode xray: instead of sending segments to -xray-daemon, turn them into spans as the awsxray receiver does and export them to this OTLP/HTTP traces URL; without a path, "+tracesURL+" is added")
	fs.StringVar(&c.service, "service-name", "tracedclient", "service.name of the spans, name of the X-Ray segments")
	fs.IntVar(&c.calls, "calls", 14, "number of Lookout for Metrics calls")
	fs.Float64Var(&c.rate, "rate", 0, "calls per second; 0 = as fast as possible")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("tracedclient takes no arguments, got %q", fs.Args())
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *config) validate() error {
	var errs []error
	if u, err := url.Parse(c.endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("-endpoint: %q is not an http(s) URL with a host", c.endpoint))
	}
	switch c.mode {
	case modeOTel:
		u, err := normalizeOTLP(c.otlpEndpoint)
		if err != nil {
			errs = append(errs, fmt.Errorf("-otlp-endpoint: %w", err))
		}
		c.otlpEndpoint = u
	case modeXRay:
		if _, _, err := net.SplitHostPort(c.xrayDaemon); err != nil {
			errs = append(errs, fmt.Errorf("-xray-daemon: %q is not host:port", c.xrayDaemon))
		}
		if c.xrayOTLPEndpoint != "" {
			u, err := normalizeOTLP(c.xrayOTLPEndpoint)
			if err != nil {
				errs = append(errs, fmt.Errorf("-xray-otlp-endpoint: %w", err))
			}
			c.xrayOTLPEndpoint = u
		}
	case modeNone:
	default:
		errs = append(errs, fmt.Errorf("-mode: must be otel, xray or none, got %q", c.mode))
	}
	if c.calls < 1 {
		errs = append(errs, fmt.Errorf("-calls: must be at least 1, got %d", c.calls))
	}
	if c.rate < 0 {
		errs = append(errs, fmt.Errorf("-rate: must be >= 0, got %v", c.rate))
	}
	if c.region == "" || c.accessKey == "" || c.service == "" {
		errs = append(errs, errors.New("-region, -access-key and -service-name must not be empty"))
	}
	return errors.Join(errs...)
}

// normalizeOTLP checks an OTLP/HTTP traces URL and adds the /v1/traces path when it has
// none.
func normalizeOTLP(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return raw, fmt.Errorf("%q is not an http(s) URL with a host", raw)
	}
	if strings.Trim(u.Path, "/") == "" {
		return strings.TrimSuffix(raw, "/") + tracesURL, nil
	}
	return raw, nil
}
