// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultAccountID         = "123456789012"
	DefaultRequestsPerSecond = 2.0 // CloudTrail's LookupEvents quota per account and region
	DefaultMinLatency        = 2 * time.Millisecond
	// DefaultDeliveryDelayMin and DefaultDeliveryDelayMax bound the default delay
	// before a recorded call's CloudTrail event becomes visible.
	DefaultDeliveryDelayMin = 2 * time.Minute
	DefaultDeliveryDelayMax = 8 * time.Minute
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// Clock is the server's notion of now: event visibility, the 90-day window,
	// quotas, throttle storms and request records all use it. Default time.Now.
	Clock func() time.Time
	// ClockOffset moves the server's clock (Clock plus the offset) against the host's:
	// positive runs ahead. Every response's Date header reads the server's clock, as
	// AWS's does, so clients can learn the server time from it.
	ClockOffset time.Duration
	// StrictTimeRange refuses, with InvalidTimeRangeException, a LookupEvents EndTime
	// after the server's now or a StartTime more than LookupWindow before it (the range
	// outside the possible values); by default the range is clamped silently.
	StrictTimeRange bool
	// RequestsPerSecond is the LookupEvents quota per account AND region, enforced
	// with a token bucket. 0 means DefaultRequestsPerSecond (2); <0 means unlimited.
	RequestsPerSecond float64
	// Burst is the token bucket's capacity. 0 means ceil(RequestsPerSecond), at
	// least 1 (2 with the default quota).
	Burst int
	// DefaultAccount is the account of requests whose access key is not in
	// Accounts. Default DefaultAccountID.
	DefaultAccount string
	// Accounts maps access key IDs to account IDs.
	Accounts map[string]string
	// Logger receives one debug line per request. Default: discard.
	Logger *slog.Logger
	// Seed seeds the random source behind ErrorRate and MalformedRate, so a run
	// can be replayed. The zero seed is a valid, fixed seed.
	Seed uint64
	// MinLatency is the least time, in real time, between receiving a request and
	// answering it. Default DefaultMinLatency; <0 means none. See the package doc:
	// an instant local server races with aws-sdk-go-v2's request-body handling.
	MinLatency time.Duration
	// Fallback serves requests without an X-Amz-Target header, or not POSTed.
	// Default: STS for form-encoded POSTs (see sts.go), then the Extension set by
	// SetExtension (the demo module's Lookout for Metrics API), else an AWS-shaped 404
	// UnknownOperationException. Setting Fallback replaces both.
	Fallback http.Handler
	// Roles are the IAM roles sts:AssumeRole can assume (see Role, ReaderRoles).
	Roles []Role
	// Organization, when not nil, makes Options.DefaultAccount the management account
	// of an organization with these members (it is added itself when missing); see
	// SetOrganization. nil: no organization.
	Organization []OrgAccount
	// STSDisabledRegions are the regions whose STS answers every request with 403
	// RegionDisabledException, as for an opt-in region that is not enabled.
	STSDisabledRegions []string

	// Principals maps access key IDs to the callers recorded in the CloudTrail
	// events of an extension's calls (RecordCall). nil means DefaultPrincipals(); keys not
	// listed are recorded as an IAM user named "user-<key in lower case>".
	Principals map[string]Principal
	// DeniedAccessKeys get AccessDeniedException for every call to an extension
	// (see Denied); CloudTrail records those calls with errorCode AccessDenied. nil means
	// {DeniedAccessKeyID}; an empty, non-nil slice denies nobody.
	DeniedAccessKeys []string
	// DeliveryDelay returns, for each call recorded by RecordCall, how long
	// after the call its CloudTrail event becomes visible to LookupEvents (plus
	// Faults.LateDeliveryExtra for late ones). It is called concurrently. Default:
	// UniformDelay(DefaultDeliveryDelayMin, DefaultDeliveryDelayMax, Seed).
	DeliveryDelay func() time.Duration
}

// Server is the emulator: an http.Handler plus an optional listener.
type Server struct {
	opts       Options
	store      *Store
	targets    map[string]operation
	quota      *quota
	faults     *faultState
	log        *requestLog
	deniedKeys map[string]struct{}
	admin      *adminState
	ext        Extension
	org        *orgState
	sessions   sessions
	disabled   disabledRegions

	mu   sync.Mutex
	http *http.Server
}

// New returns a Server with an empty Store.
func New(opts Options) *Server {
	opts = withDefaults(opts)
	s := &Server{
		opts:   opts,
		store:  NewStore(),
		quota:  newQuota(opts.RequestsPerSecond, opts.Burst),
		faults: newFaultState(opts.Seed),
		log:    &requestLog{},
		admin:  newAdminState(),
		org:    newOrgState(opts.DefaultAccount),
	}
	s.org.set(opts.Organization, opts.Clock())
	s.deniedKeys = make(map[string]struct{}, len(opts.DeniedAccessKeys))
	for _, k := range opts.DeniedAccessKeys {
		s.deniedKeys[k] = struct{}{}
	}
	s.targets = map[string]operation{}
	s.registerCloudTrail()
	s.registerOrganizations()
	return s
}

func withDefaults(o Options) Options {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if off := o.ClockOffset; off != 0 {
		base := o.Clock
		o.Clock = func() time.Time { return base().Add(off) }
	}
	if o.RequestsPerSecond == 0 {
		o.RequestsPerSecond = DefaultRequestsPerSecond
	}
	if o.Burst <= 0 {
		o.Burst = max(1, int(math.Ceil(o.RequestsPerSecond)))
	}
	if o.MinLatency == 0 {
		o.MinLatency = DefaultMinLatency
	}
	o.Accounts = maps.Clone(o.Accounts)
	o.Roles = slices.Clone(o.Roles)
	o.Principals = maps.Clone(o.Principals)
	principalDefaults(&o)
	if o.DeliveryDelay == nil {
		o.DeliveryDelay = UniformDelay(DefaultDeliveryDelayMin, DefaultDeliveryDelayMax, o.Seed)
	}
	if o.DefaultAccount == "" {
		o.DefaultAccount = DefaultAccountID
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Store returns the server's event store.
func (s *Server) Store() *Store { return s.store }

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// serveHTTP routes: /_awsemu/ to the admin API, requests with X-Amz-Target to the
// awsJson1_1 operations, anything else to the fallback handler (by default STS for
// form-encoded POSTs, else the extension).
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", s.opts.Clock().UTC().Format(http.TimeFormat))
	if strings.HasPrefix(r.URL.Path, AdminPrefix) {
		s.serveAdmin(w, r)
		return
	}
	reqID := newUUID()
	w.Header().Set("x-amzn-RequestId", reqID)
	target := r.Header.Get("X-Amz-Target")
	if (target == "" || r.Method != http.MethodPost) && s.opts.Fallback == nil {
		if isQueryRequest(r) {
			s.serveSTS(w, r, reqID)
			return
		}
		s.serveExtension(w, r, reqID)
		return
	}
	if target == "" || r.Method != http.MethodPost {
		started := time.Now()
		rec := s.newRecord(r, target, reqID)
		sw := &statusWriter{ResponseWriter: w, hold: func() {
			Sleep(r.Context(), s.opts.MinLatency-time.Since(started))
		}}
		s.opts.Fallback.ServeHTTP(sw, r)
		rec.Status = sw.status()
		if rec.Status >= 400 {
			rec.ErrorCode = sw.Header().Get("X-Amzn-ErrorType")
		}
		s.finish(rec)
		return
	}
	s.serveJSON(w, r, target, reqID)
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background. It returns
// the base URL to use as an SDK BaseEndpoint, e.g. "http://127.0.0.1:41234".
func (s *Server) Start(addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.http != nil {
		return "", errors.New("awsemu: server already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(s.http)
	return "http://" + ln.Addr().String(), nil
}

// Close stops workloads started over the admin API, then the listener started by
// Start, and closes open connections. The listener part is a no-op when the server
// was never started.
func (s *Server) Close() error {
	s.admin.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.http == nil {
		return nil
	}
	err := s.http.Close()
	s.http = nil
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Sleep waits d or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
