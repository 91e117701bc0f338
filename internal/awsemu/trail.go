package awsemu

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// LookoutMetricsEventSource is the eventSource of Lookout for Metrics CloudTrail events.
const LookoutMetricsEventSource = "lookoutmetrics.amazonaws.com"

// lookoutMetricsEventVersion is the eventVersion of recorded Lookout for Metrics calls.
const lookoutMetricsEventVersion = "1.08"

// UniformDelay returns a delivery delay function (Options.DeliveryDelay) drawing
// uniformly from [lo, hi] with a source seeded by seed. It is safe for concurrent
// use. With hi <= lo it always returns lo.
func UniformDelay(lo, hi time.Duration, seed uint64) func() time.Duration {
	if hi <= lo {
		return func() time.Duration { return lo }
	}
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	return func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
	}
}

// lmTrail is what one Lookout for Metrics call leaves for CloudTrail.
type lmTrail struct {
	rec    *RequestRecord
	op     lmOp
	call   *lmCall
	out    any // the response, on success
	err    *apiError
	remote string // the request's RemoteAddr
	agent  string // the request's User-Agent
}

// recordCall adds the CloudTrail event of an authenticated call to a known operation.
// It becomes visible after Options.DeliveryDelay, plus the late-delivery extra when
// that knob hits.
func (s *Server) recordCall(t lmTrail) {
	if t.rec.authErr != nil || t.rec.Account == "" {
		return // CloudTrail has no caller to attribute the call to
	}
	spec := RecordSpec{
		Account: t.rec.Account, Region: t.rec.Region, RequestID: t.rec.RequestID,
		EventName: t.op.name, EventSource: LookoutMetricsEventSource, EventTime: t.rec.Time,
		ReadOnly: t.op.readOnly, EventVersion: lookoutMetricsEventVersion,
		SourceIPAddress: remoteIP(t.remote), UserAgent: t.agent,
		RequestParametersJSON: t.call.params,
	}
	s.principal(t.rec.AccessKeyID).apply(&spec, t.rec.AccessKeyID)
	var resp json.RawMessage
	if t.err != nil {
		spec.ErrorCode, spec.ErrorMessage = cloudTrailErrorCode(t.err.Code), t.err.Message
	} else if t.out != nil {
		resp, _ = json.Marshal(t.out)
		if !t.op.readOnly && !isEmptyObject(resp) {
			spec.ResponseElementsJSON = resp
		}
	}
	spec.Resources = arnResources(t.call.params, resp)
	spec.DeliveryDelay = s.opts.DeliveryDelay() + s.faults.lateExtra()
	s.store.Add(NewRecord(spec))
}

// cloudTrailErrorCode is the errorCode CloudTrail writes for an API error code.
func cloudTrailErrorCode(code string) string {
	if code == "AccessDeniedException" {
		return "AccessDenied"
	}
	return code
}

func remoteIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

func isEmptyObject(b []byte) bool {
	s := string(bytes.TrimSpace(b))
	return s == "" || s == "{}" || s == "null"
}

// arnResources returns the Lookout for Metrics resources named by top-level ARN
// members of the request parameters or the response, each once.
func arnResources(docs ...json.RawMessage) []Resource {
	var out []Resource
	seen := map[string]bool{}
	for _, doc := range docs {
		var m map[string]json.RawMessage
		if len(doc) == 0 || json.Unmarshal(doc, &m) != nil {
			continue
		}
		for _, key := range []string{"AnomalyDetectorArn", "MetricSetArn", "AlertArn", "ResourceArn"} {
			var arn string
			if json.Unmarshal(m[key], &arn) != nil || seen[arn] {
				continue
			}
			if typ := lmResourceType(arn); typ != "" {
				seen[arn] = true
				out = append(out, Resource{ResourceType: typ, ResourceName: arn})
			}
		}
	}
	return out
}

// lmResourceType returns the CloudFormation-style type of a Lookout for Metrics ARN.
func lmResourceType(arn string) string {
	switch {
	case !strings.HasPrefix(arn, "arn:aws:lookoutmetrics:"):
		return ""
	case strings.Contains(arn, ":AnomalyDetector:"):
		return "AWS::LookoutMetrics::AnomalyDetector"
	case strings.Contains(arn, ":MetricSet/"):
		return "AWS::LookoutMetrics::MetricSet"
	case strings.Contains(arn, ":Alert:"):
		return "AWS::LookoutMetrics::Alert"
	}
	return ""
}

// requestParams returns the CloudTrail requestParameters of a call: the JSON body
// object plus the path and query members, or nil (null) when there are none.
func requestParams(body []byte, r *http.Request, resourceARN string) json.RawMessage {
	var m map[string]json.RawMessage
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &m) != nil {
		return nil
	}
	if resourceARN != "" {
		if m == nil {
			m = map[string]json.RawMessage{}
		}
		m["ResourceArn"], _ = json.Marshal(resourceARN)
		if keys := r.URL.Query()["tagKeys"]; len(keys) > 0 {
			m["TagKeys"], _ = json.Marshal(keys)
		}
	}
	if len(m) == 0 {
		return nil
	}
	if resourceARN == "" {
		var buf bytes.Buffer
		if json.Compact(&buf, body) == nil {
			return buf.Bytes()
		}
	}
	b, _ := json.Marshal(m)
	return b
}
