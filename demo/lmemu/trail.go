// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strings"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// lookoutMetricsEventVersion is the eventVersion of recorded Lookout for Metrics calls.
const lookoutMetricsEventVersion = "1.08"

// lmTrail is what one Lookout for Metrics call leaves for CloudTrail.
type lmTrail struct {
	rec    *awsemu.RequestRecord
	op     lmOp
	call   *lmCall
	out    any // the response, on success
	err    *apiError
	remote string // the request's RemoteAddr
	agent  string // the request's User-Agent
}

// recordCall adds the CloudTrail event of an authenticated call to a known operation.
// It becomes visible after awsemu.Options.DeliveryDelay, plus the late-delivery extra when
// that knob hits.
func (e *emulator) recordCall(t lmTrail) {
	if t.rec.AuthError() != nil || t.rec.Account == "" {
		return // CloudTrail has no caller to attribute the call to
	}
	spec := awsemu.RecordSpec{
		Account: t.rec.Account, Region: t.rec.Region, RequestID: t.rec.RequestID,
		EventName: t.op.name, EventSource: awsemu.LookoutMetricsEventSource, EventTime: t.rec.Time,
		ReadOnly: t.op.readOnly, EventVersion: lookoutMetricsEventVersion,
		SourceIPAddress: remoteIP(t.remote), UserAgent: t.agent,
		RequestParametersJSON: t.call.params,
	}
	e.srv.Principal(t.rec.AccessKeyID).Apply(&spec, t.rec.AccessKeyID)
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
	e.srv.RecordCall(spec)
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
func arnResources(docs ...json.RawMessage) []awsemu.Resource {
	var out []awsemu.Resource
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
				out = append(out, awsemu.Resource{ResourceType: typ, ResourceName: arn})
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
