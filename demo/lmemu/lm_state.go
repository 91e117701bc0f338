// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"time"
)

// lmTransition is how long, on Options.Clock, activating a detector or running a
// back test takes before the detector settles (ACTIVE, BACK_TEST_COMPLETE).
const lmTransition = time.Minute

// Detector statuses.
const (
	statusInactive        = "INACTIVE"
	statusActivating      = "ACTIVATING"
	statusActive          = "ACTIVE"
	statusDeactivated     = "DEACTIVATED"
	statusBackTestRunning = "BACK_TEST_ACTIVATING"
	statusBackTestDone    = "BACK_TEST_COMPLETE"
)

// lmState holds every account-region's Lookout for Metrics resources.
type lmState struct {
	mu      sync.Mutex
	regions map[regionKey]*lmRegion
}

func newLMState() *lmState {
	return &lmState{regions: make(map[regionKey]*lmRegion)}
}

// do runs fn on the account-region's resources under the state's lock. fn's result
// must not share mutable state (maps) with the resources: it is encoded after the
// lock is released.
func (s *lmState) do(account, region string, fn func(*lmRegion) (any, *apiError)) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := regionKey{account, region}
	st := s.regions[k]
	if st == nil {
		st = &lmRegion{account: account, region: region, detectors: map[string]*lmDetector{},
			metricSets: map[string]*lmMetricSet{}, alerts: map[string]*lmAlert{}}
		s.regions[k] = st
	}
	return fn(st)
}

// lmRegion is one account-region's resources, keyed by ARN.
type lmRegion struct {
	account, region string
	detectors       map[string]*lmDetector
	metricSets      map[string]*lmMetricSet
	alerts          map[string]*lmAlert
}

type lmDetector struct {
	arn, name, description, frequency, kmsKeyArn string
	created, modified                            time.Time
	status                                       string
	pending                                      string // the status it settles to at settleAt; "" when settled
	settleAt                                     time.Time
	activatedAt                                  time.Time // first activation or back test; zero before
	tags                                         map[string]string
	groups                                       []lmGroup
	feedback                                     map[string]map[string]bool // group ID → time series ID → is anomaly
}

type lmMetricSet struct {
	arn, detectorArn, name, description string
	created, modified                   time.Time
	offset                              int
	frequency, timezone                 string
	metricList, timestampColumn         json.RawMessage
	dimensionList, metricSource         json.RawMessage
	dimensionFilterList                 json.RawMessage
	tags                                map[string]string
}

type lmAlert struct {
	arn, detectorArn, name, description string
	threshold                           int
	alertType, status                   string
	action, filters                     json.RawMessage
	created, modified                   time.Time
	tags                                map[string]string
}

// ARN forms, as in the IAM service authorization reference.
func (st *lmRegion) detectorARN(name string) string { return st.arn("AnomalyDetector:" + name) }
func (st *lmRegion) alertARN(name string) string    { return st.arn("Alert:" + name) }
func (st *lmRegion) metricSetARN(detector, name string) string {
	return st.arn("MetricSet/" + detector + "/" + name)
}

func (st *lmRegion) arn(resource string) string {
	return "arn:aws:lookoutmetrics:" + st.region + ":" + st.account + ":" + resource
}

func (st *lmRegion) detector(arn string) (*lmDetector, *apiError) {
	if d, ok := st.detectors[arn]; ok {
		return d, nil
	}
	return nil, notFound("AnomalyDetector", arn)
}

func (st *lmRegion) metricSet(arn string) (*lmMetricSet, *apiError) {
	if m, ok := st.metricSets[arn]; ok {
		return m, nil
	}
	return nil, notFound("MetricSet", arn)
}

func (st *lmRegion) alert(arn string) (*lmAlert, *apiError) {
	if a, ok := st.alerts[arn]; ok {
		return a, nil
	}
	return nil, notFound("Alert", arn)
}

// metricSetOf returns the detector's metric set, or nil.
func (st *lmRegion) metricSetOf(detectorArn string) *lmMetricSet {
	for _, m := range st.metricSets {
		if m.detectorArn == detectorArn {
			return m
		}
	}
	return nil
}

// sortedValues returns a map's values ordered by key (ARN).
func sortedValues[V any](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// statusAt returns the detector's status at now, settling a finished transition.
func (d *lmDetector) statusAt(now time.Time) string {
	if d.pending != "" && !now.Before(d.settleAt) {
		d.status, d.pending = d.pending, ""
	}
	return d.status
}

// transition sets status now and settled after lmTransition.
func (d *lmDetector) transition(now time.Time, status, settled string) {
	d.status, d.pending, d.settleAt, d.modified = status, settled, now.Add(lmTransition), now
}

func (d *lmDetector) active(now time.Time) bool {
	s := d.statusAt(now)
	return s == statusActive || s == statusActivating || s == "LEARNING"
}

// frequencyDuration is the interval of a Frequency value.
func frequencyDuration(f string) time.Duration {
	switch f {
	case "P1D":
		return 24 * time.Hour
	case "PT1H":
		return time.Hour
	case "PT10M":
		return 10 * time.Minute
	}
	return 5 * time.Minute
}

// epoch is a restJson1 timestamp: epoch seconds with milliseconds.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// isoTime is a TimestampString.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
