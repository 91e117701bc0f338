// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Faults are failure knobs, settable at any time with Server.SetFaults. The zero value
// injects nothing.
type Faults struct {
	// ErrorRate is the fraction of requests (past auth and quota) answered with
	// HTTP 500 or HTTP 503, half each: InternalFailure / ServiceUnavailable for
	// CloudTrail, InternalServerException / ServiceUnavailable for Lookout for
	// Metrics.
	ErrorRate float64
	// Latency is added to every CloudTrail and Lookout for Metrics request before
	// it is answered.
	Latency time.Duration
	// ThrottleStorm answers every awsJson request with ThrottlingException until it
	// is turned off, or, when ThrottleStormFor > 0, until ThrottleStormFor has
	// passed on Options.Clock since SetFaults.
	ThrottleStorm    bool
	ThrottleStormFor time.Duration
	// MalformedRate is the fraction of events whose CloudTrailEvent is returned cut
	// in half (not valid JSON). The choice is a deterministic function of the
	// event ID and Options.Seed: see Server.Malformed.
	MalformedRate float64
	// InvalidateTokens rejects every NextToken with InvalidNextTokenException.
	InvalidateTokens bool
	// TruncateResponses cuts every successful awsJson response body in half (HTTP
	// 200 with invalid JSON).
	TruncateResponses bool
	// ExpireSessions refuses the keys AssumeRole issued once their session is past its
	// expiration on Options.Clock, as AWS does: ExpiredTokenException
	// (ExpiredToken from STS). Off, issued keys work for ever.
	ExpireSessions bool
	// LateDeliveryRate is the fraction of recorded Lookout for Metrics calls whose
	// CloudTrail event becomes visible LateDeliveryExtra later than the normal
	// delivery delay (Options.DeliveryDelay). Drawn from the seeded source.
	LateDeliveryRate float64
	// LateDeliveryExtra is the extra delay of late events. 0 means
	// DefaultLateDeliveryExtra.
	LateDeliveryExtra time.Duration
}

// DefaultLateDeliveryExtra is the extra delay of late-delivered events when
// Faults.LateDeliveryExtra is 0.
const DefaultLateDeliveryExtra = 30 * time.Minute

type faultState struct {
	mu         sync.Mutex
	f          Faults
	stormUntil time.Time // zero: no deadline
	seed       uint64
	rng        *rand.Rand
}

func newFaultState(seed uint64) *faultState {
	return &faultState{seed: seed, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// SetFaults replaces the fault knobs. It is safe to call concurrently with requests.
func (s *Server) SetFaults(f Faults) {
	now := s.opts.Clock()
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.f = f
	s.faults.stormUntil = time.Time{}
	if f.ThrottleStorm && f.ThrottleStormFor > 0 {
		s.faults.stormUntil = now.Add(f.ThrottleStormFor)
	}
}

// Faults returns the fault knobs last set.
func (s *Server) Faults() Faults {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.f
}

// ThrottleStormActive reports whether a throttle storm is under way now.
func (s *Server) ThrottleStormActive() bool {
	return s.faults.storming(s.opts.Clock())
}

func (fs *faultState) storming(now time.Time) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !fs.f.ThrottleStorm {
		return false
	}
	return fs.stormUntil.IsZero() || now.Before(fs.stormUntil)
}

// injectedError draws from the seeded source whether to fail the request.
func (fs *faultState) injectedError(rate float64) *apiError {
	if rate <= 0 {
		return nil
	}
	fs.mu.Lock()
	hit, half := fs.rng.Float64() < rate, fs.rng.IntN(2) == 0
	fs.mu.Unlock()
	switch {
	case !hit:
		return nil
	case half:
		return &apiError{Status: http.StatusInternalServerError, Code: "InternalFailure",
			Message: "The request processing has failed because of an unknown error, exception or failure."}
	default:
		return &apiError{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable",
			Message: "The service is unavailable. Please try again later."}
	}
}

// lateExtra draws from the seeded source whether a recorded event is delivered late,
// and returns its extra delay (0 when it is not).
func (fs *faultState) lateExtra() time.Duration {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.f.LateDeliveryRate <= 0 || fs.rng.Float64() >= fs.f.LateDeliveryRate {
		return 0
	}
	if fs.f.LateDeliveryExtra > 0 {
		return fs.f.LateDeliveryExtra
	}
	return DefaultLateDeliveryExtra
}

// Malformed reports whether LookupEvents currently returns the event's
// CloudTrailEvent malformed, under the MalformedRate knob. Tests use it to predict
// which events arrive broken.
func (s *Server) Malformed(eventID string) bool {
	return malformed(s.Faults().MalformedRate, s.faults.seed, eventID)
}

func malformed(rate float64, seed uint64, eventID string) bool {
	if rate <= 0 {
		return false
	}
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	_, _ = h.Write(b[:])
	_, _ = h.Write([]byte(eventID))
	u := float64(h.Sum64()>>11) / (1 << 53)
	return u < rate
}

// malform returns a CloudTrailEvent cut in half, which is never valid JSON.
func malform(ct string) string {
	if len(ct) < 2 {
		return "{"
	}
	return ct[:len(ct)/2]
}
