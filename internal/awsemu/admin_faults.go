package awsemu

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// jsonDuration is a time.Duration that JSON carries as a Go duration string ("250ms"),
// or as integer nanoseconds.
type jsonDuration time.Duration

func (d jsonDuration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

func (d *jsonDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		*d = jsonDuration(v)
		return err
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("a duration is a string such as \"250ms\" or integer nanoseconds")
	}
	*d = jsonDuration(n)
	return nil
}

// faultsJSON is Faults as the admin API reads and writes it.
type faultsJSON struct {
	ErrorRate         float64      `json:"errorRate"`
	Latency           jsonDuration `json:"latency"`
	ThrottleStorm     bool         `json:"throttleStorm"`
	ThrottleStormFor  jsonDuration `json:"throttleStormFor"`
	MalformedRate     float64      `json:"malformedRate"`
	InvalidateTokens  bool         `json:"invalidateTokens"`
	TruncateResponses bool         `json:"truncateResponses"`
	LateDeliveryRate  float64      `json:"lateDeliveryRate"`
	LateDeliveryExtra jsonDuration `json:"lateDeliveryExtra"`
}

func faultsDoc(f Faults) faultsJSON {
	return faultsJSON{ErrorRate: f.ErrorRate, Latency: jsonDuration(f.Latency), ThrottleStorm: f.ThrottleStorm,
		ThrottleStormFor: jsonDuration(f.ThrottleStormFor), MalformedRate: f.MalformedRate,
		InvalidateTokens: f.InvalidateTokens, TruncateResponses: f.TruncateResponses,
		LateDeliveryRate: f.LateDeliveryRate, LateDeliveryExtra: jsonDuration(f.LateDeliveryExtra)}
}

func (d faultsJSON) faults() Faults {
	return Faults{ErrorRate: d.ErrorRate, Latency: time.Duration(d.Latency), ThrottleStorm: d.ThrottleStorm,
		ThrottleStormFor: time.Duration(d.ThrottleStormFor), MalformedRate: d.MalformedRate,
		InvalidateTokens: d.InvalidateTokens, TruncateResponses: d.TruncateResponses,
		LateDeliveryRate: d.LateDeliveryRate, LateDeliveryExtra: time.Duration(d.LateDeliveryExtra)}
}

// workloadRequest is the body of POST /_awsemu/workload.
type workloadRequest struct {
	Rate     float64      `json:"rate"`
	Duration jsonDuration `json:"duration"`
	Calls    int          `json:"calls"`
	Seed     uint64       `json:"seed"`
	Region   string       `json:"region"`
	Wait     bool         `json:"wait"`
}

// WorkloadSummary counts a workload's calls; POST /_awsemu/workload with wait
// answers with it.
type WorkloadSummary struct {
	Calls       int            `json:"calls"`
	Errors      int            `json:"errors"`
	ByOperation map[string]int `json:"byOperation"`
}

// Summarize counts calls per operation and the failed ones.
func Summarize(calls []WorkloadCall) WorkloadSummary {
	sum := WorkloadSummary{Calls: len(calls), ByOperation: map[string]int{}}
	for _, c := range calls {
		sum.ByOperation[c.Operation]++
		if c.Err != nil {
			sum.Errors++
		}
	}
	return sum
}

func (s *Server) adminWorkload(w http.ResponseWriter, r *http.Request) {
	var req workloadRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	if req.Calls <= 0 && req.Duration <= 0 && req.Wait {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "wait needs calls or duration"})
		return
	}
	opts := WorkloadOptions{Endpoint: "http://" + r.Host, Region: req.Region, Rate: req.Rate,
		Duration: time.Duration(req.Duration), Calls: req.Calls, Seed: req.Seed}
	a := s.admin
	a.mu.Lock()
	ctx := a.ctx
	a.running++
	a.wg.Add(1)
	a.mu.Unlock()
	done := func() {
		a.mu.Lock()
		a.running--
		a.mu.Unlock()
		a.wg.Done()
	}
	if req.Wait {
		defer done()
		calls, err := RunWorkload(ctx, opts)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, Summarize(calls))
		return
	}
	go func() {
		defer done()
		opts.OnCall = func(WorkloadCall) {}
		_, _ = RunWorkload(ctx, opts)
	}()
	writeJSON(w, http.StatusAccepted, map[string]bool{"started": true})
}
