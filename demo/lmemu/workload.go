// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/smithy-go/middleware"
)

// WorkloadOptions configures RunWorkload.
type WorkloadOptions struct {
	// Endpoint is the emulator's base URL, e.g. "http://127.0.0.1:4566". Required.
	Endpoint string
	// Region is the region the clients sign for. Default "us-east-1".
	Region string
	// Rate is the number of calls per second; <= 0 calls as fast as possible.
	Rate float64
	// Duration stops the workload after this long on Clock; 0 means no limit.
	Duration time.Duration
	// Calls stops the workload after this many calls; 0 means no limit. With
	// neither Duration nor Calls, the workload runs until ctx is done.
	Calls int
	// Principals are the access keys to call with (their secrets are irrelevant to
	// the emulator). Keys of assumed roles named "*ReadOnly*" only read;
	// DeniedAccessKeyID, when present, makes the calls that expect AccessDenied.
	// Default DefaultPrincipals().
	Principals map[string]awsemu.Principal
	// Seed makes the sequence of calls, principals and names reproducible.
	Seed uint64
	// HTTPClient is the SDK clients' HTTP client. Default NewHTTPClient().
	HTTPClient *http.Client
	// Clock and Sleep pace the calls. Default time.Now and a timer.
	Clock func() time.Time
	Sleep func(ctx context.Context, d time.Duration)
	// OnCall, when set, receives each call as it completes, and RunWorkload returns
	// no calls (for long runs). Default: RunWorkload collects and returns them.
	OnCall func(WorkloadCall)
}

// WorkloadCall is one Lookout for Metrics call the workload made.
type WorkloadCall struct {
	Operation   string
	AccessKeyID string
	// RequestID is the x-amzn-RequestId the client received (from the SDK's
	// response metadata), "" when no response came.
	RequestID string
	Err       error
}

// RunWorkload drives the Lookout for Metrics API of the emulator at opts.Endpoint with
// the real aws-sdk-go-v2 client: repeated resource lifecycles (create a detector,
// inspect a data source, create its metric set and an alert, tag, back test,
// activate, read anomaly groups, give feedback, update, deactivate, delete), which
// cover all 30 operations, interleaved with reads by several principals and with
// calls that fail (missing resources, validation errors, a conflict, a denied
// principal). Each call goes out once (no SDK retries). It returns the calls made,
// and ctx.Err() when ctx ended the run.
func RunWorkload(ctx context.Context, opts WorkloadOptions) ([]WorkloadCall, error) {
	w, err := newWorkload(opts)
	if err != nil {
		return nil, err
	}
	return w.run(ctx)
}

type workload struct {
	opts    WorkloadOptions
	rng     *rand.Rand
	clients map[string]*lookoutmetrics.Client
	writers []string
	readers []string
	denied  string
	nonce   string
	account string // learnt from the first ARN received
	lc      *lifecycle
	script  []wlStep
	cycles  int
	calls   []WorkloadCall
}

// wlStep is one call: its operation, whether it writes, and its body.
type wlStep struct {
	op    string
	write bool
	key   string // the access key to use; "" picks a writer or a reader
	run   func(ctx context.Context, c *lookoutmetrics.Client) error
}

func newWorkload(opts WorkloadOptions) (*workload, error) {
	if opts.Endpoint == "" {
		return nil, errors.New("awsemu: WorkloadOptions.Endpoint is required")
	}
	opts = workloadDefaults(opts)
	w := &workload{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0xda3e39cb94b95bdb)),
		clients: map[string]*lookoutmetrics.Client{}, account: awsemu.DefaultAccountID}
	for _, key := range slices.Sorted(maps.Keys(opts.Principals)) {
		p := opts.Principals[key]
		w.clients[key] = lookoutmetrics.New(lookoutmetrics.Options{
			Region: opts.Region, BaseEndpoint: aws.String(opts.Endpoint), HTTPClient: opts.HTTPClient,
			Credentials: credentials.NewStaticCredentialsProvider(key, "awsemu-secret", ""), RetryMaxAttempts: 1,
			APIOptions: []func(*middleware.Stack) error{captureRequestID},
		})
		switch {
		case key == awsemu.DeniedAccessKeyID:
			w.denied = key
		case strings.Contains(p.RoleName, "ReadOnly"):
			w.readers = append(w.readers, key)
		default:
			w.writers = append(w.writers, key)
			w.readers = append(w.readers, key)
		}
	}
	if len(w.writers) == 0 {
		return nil, errors.New("awsemu: the workload needs a principal that may write")
	}
	w.nonce = fmt.Sprintf("%04x", w.rng.IntN(1<<16))
	return w, nil
}

func workloadDefaults(o WorkloadOptions) WorkloadOptions {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Principals == nil {
		o.Principals = awsemu.DefaultPrincipals()
	}
	if o.HTTPClient == nil {
		o.HTTPClient = awsemu.NewHTTPClient()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = awsemu.Sleep
	}
	return o
}

func (w *workload) run(ctx context.Context) ([]WorkloadCall, error) {
	start := w.opts.Clock()
	over := func() bool { return w.opts.Duration > 0 && !w.opts.Clock().Before(start.Add(w.opts.Duration)) }
	for i := 0; w.opts.Calls <= 0 || i < w.opts.Calls; i++ {
		if w.opts.Rate > 0 {
			at := start.Add(time.Duration(float64(i) / w.opts.Rate * float64(time.Second)))
			w.opts.Sleep(ctx, at.Sub(w.opts.Clock()))
		}
		if err := ctx.Err(); err != nil {
			return w.calls, err
		}
		if over() {
			break
		}
		w.do(ctx, w.next())
	}
	return w.calls, nil
}

// next picks the next call: now and then one that fails, often a read about the
// current resources, else the next step of the current lifecycle.
func (w *workload) next() wlStep {
	r := w.rng.Float64()
	switch {
	case r < 0.06:
		return w.errorStep()
	case r < 0.4 && w.lc != nil && w.lc.detector != "" && len(w.script) > 6: // not yet being torn down
		return w.readStep()
	}
	if len(w.script) == 0 {
		w.cycles++
		w.script = w.lifecycleSteps(w.newLifecycle())
	}
	s := w.script[0]
	w.script = w.script[1:]
	return s
}

func (w *workload) do(ctx context.Context, s wlStep) {
	key := s.key
	switch {
	case key != "":
	case s.write:
		key = w.writers[w.rng.IntN(len(w.writers))]
	default:
		key = w.readers[w.rng.IntN(len(w.readers))]
	}
	var rid string
	err := s.run(context.WithValue(ctx, requestIDSink{}, &rid), w.clients[key])
	var respErr *awshttp.ResponseError
	if rid == "" && errors.As(err, &respErr) {
		rid = respErr.ServiceRequestID()
	}
	call := WorkloadCall{Operation: s.op, AccessKeyID: key, RequestID: rid, Err: err}
	if w.opts.OnCall != nil {
		w.opts.OnCall(call)
		return
	}
	w.calls = append(w.calls, call)
}

// requestIDSink is the context key of the *string that captureRequestID fills.
type requestIDSink struct{}

// captureRequestID stores the request ID of the SDK's response metadata, which the
// SDK sets on failed calls too, in the context's requestIDSink.
func captureRequestID(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("awsemuRequestID",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			out, md, err := next.HandleInitialize(ctx, in)
			if sink, ok := ctx.Value(requestIDSink{}).(*string); ok {
				if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok {
					*sink = id
				}
			}
			return out, md, err
		}), middleware.Before)
}
