// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
)

// The Lookout for Metrics API (restJson1): every operation is POST /<Operation> with
// a JSON body, except the tag operations on /tags/{resourceArn} (GET
// ListTagsForResource, POST TagResource, DELETE UntagResource with tagKeys query
// parameters). State (detectors, metric sets, alerts, tags, feedback) is kept in
// memory per account and region. Errors carry the X-Amzn-ErrorType header, a
// {"message":...} body and the HTTP status of the service model.

const restJSONContentType = "application/json"

// lmOp is one Lookout for Metrics operation.
type lmOp struct {
	name     string
	readOnly bool // Describe*, List*, Get*
	tagPath  bool // routed on /tags/{resourceArn} rather than /<name>
	handle   func(st *lmRegion, c *lmCall) (any, *apiError)
}

// lmCall is one request to a Lookout for Metrics operation.
type lmCall struct {
	now         time.Time
	body        []byte
	resourceARN string          // the {resourceArn} of /tags/ paths
	tagKeys     []string        // UntagResource's tagKeys query parameters
	params      json.RawMessage // CloudTrail requestParameters
}

var lmOps = lmTable()

// lmTagOps maps the methods of /tags/{resourceArn} to operations.
var lmTagOps = map[string]string{
	http.MethodGet: "ListTagsForResource", http.MethodPost: "TagResource", http.MethodDelete: "UntagResource",
}

func lmTable() map[string]lmOp {
	handlers := map[string]func(*lmRegion, *lmCall) (any, *apiError){
		"ActivateAnomalyDetector": (*lmRegion).activateDetector, "BackTestAnomalyDetector": (*lmRegion).backTestDetector,
		"CreateAlert": (*lmRegion).createAlert, "CreateAnomalyDetector": (*lmRegion).createDetector,
		"CreateMetricSet": (*lmRegion).createMetricSet, "DeactivateAnomalyDetector": (*lmRegion).deactivateDetector,
		"DeleteAlert": (*lmRegion).deleteAlert, "DeleteAnomalyDetector": (*lmRegion).deleteDetector,
		"DescribeAlert": (*lmRegion).describeAlert, "DescribeAnomalyDetectionExecutions": (*lmRegion).describeExecutions,
		"DescribeAnomalyDetector": (*lmRegion).describeDetector, "DescribeMetricSet": (*lmRegion).describeMetricSet,
		"DetectMetricSetConfig": (*lmRegion).detectMetricSetConfig, "GetAnomalyGroup": (*lmRegion).getAnomalyGroup,
		"GetDataQualityMetrics": (*lmRegion).getDataQualityMetrics, "GetFeedback": (*lmRegion).getFeedback,
		"GetSampleData": (*lmRegion).getSampleData, "ListAlerts": (*lmRegion).listAlerts,
		"ListAnomalyDetectors": (*lmRegion).listDetectors, "ListAnomalyGroupRelatedMetrics": (*lmRegion).listRelatedMetrics,
		"ListAnomalyGroupSummaries": (*lmRegion).listGroupSummaries, "ListAnomalyGroupTimeSeries": (*lmRegion).listGroupTimeSeries,
		"ListMetricSets": (*lmRegion).listMetricSets, "ListTagsForResource": (*lmRegion).listTags,
		"PutFeedback": (*lmRegion).putFeedback, "TagResource": (*lmRegion).tagResource,
		"UntagResource": (*lmRegion).untagResource, "UpdateAlert": (*lmRegion).updateAlert,
		"UpdateAnomalyDetector": (*lmRegion).updateDetector, "UpdateMetricSet": (*lmRegion).updateMetricSet,
	}
	ops := make(map[string]lmOp, len(handlers))
	for name, h := range handlers {
		ops[name] = lmOp{name: name, readOnly: isReadOnlyOperation(name), handle: h,
			tagPath: strings.HasSuffix(name, "Resource")}
	}
	return ops
}

// LookoutMetricsOperations returns the names of the 30 Lookout for Metrics
// operations the emulator serves.
func LookoutMetricsOperations() []string {
	return slices.Sorted(maps.Keys(lmOps))
}

func isReadOnlyOperation(name string) bool {
	return strings.HasPrefix(name, "Describe") || strings.HasPrefix(name, "List") || strings.HasPrefix(name, "Get")
}

// ServeAWS serves one restJson1 request and records it in CloudTrail. It returns false
// when no operation matches, so that the server answers its generic 404.
func (e *emulator) ServeAWS(w http.ResponseWriter, r *http.Request, rec *awsemu.RequestRecord) bool {
	op, c, aerr := routeLM(r)
	if aerr != nil && op.name == "" {
		return false
	}
	var out any
	if aerr == nil {
		rec.Operation, rec.Service = op.name, "lookoutmetrics"
		out, aerr = e.processLM(r, rec, op, c)
		e.recordCall(lmTrail{rec: rec, op: op, call: c, out: out, err: aerr,
			remote: r.RemoteAddr, agent: r.UserAgent()})
	}
	if aerr != nil {
		writeRESTError(w, aerr)
		return true
	}
	status := http.StatusOK
	if op.name == "TagResource" || op.name == "UntagResource" {
		status = http.StatusNoContent
	}
	writeRESTResult(w, status, out)
	return true
}

// routeLM finds the operation of a request and reads its body.
func routeLM(r *http.Request) (lmOp, *lmCall, *apiError) {
	c := &lmCall{}
	name := ""
	if rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/tags/"); ok {
		arn, err := url.PathUnescape(rest)
		if err == nil && arn != "" {
			name, c.resourceARN, c.tagKeys = lmTagOps[r.Method], arn, r.URL.Query()["tagKeys"]
		}
	} else if r.Method == http.MethodPost {
		name = strings.TrimPrefix(r.URL.Path, "/")
	}
	op, ok := lmOps[name]
	if !ok || op.tagPath != (c.resourceARN != "") {
		return lmOp{}, nil, &apiError{Status: http.StatusNotFound, Code: "UnknownOperationException",
			Message: "no operation matches " + r.Method + " " + r.URL.Path}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return op, c, cannotParse(err)
	}
	c.body = body
	c.params = requestParams(body, r, c.resourceARN)
	return op, c, nil
}

// processLM applies, in order: authentication, injected latency, the denied keys and
// the injected 5xx error rate, then runs the operation.
func (e *emulator) processLM(r *http.Request, rec *awsemu.RequestRecord, op lmOp, c *lmCall) (any, *apiError) {
	if ae := rec.AuthError(); ae != nil {
		ae.Status = http.StatusForbidden // restJson1 services answer auth failures with 403
		return nil, ae
	}
	awsemu.Sleep(r.Context(), e.srv.Faults().Latency)
	if e.srv.Denied(rec.AccessKeyID) {
		return nil, e.accessDenied(rec, op)
	}
	if ie := e.srv.InjectedError(); ie != nil {
		if ie.Code == "InternalFailure" {
			ie.Code = "InternalServerException"
		}
		return nil, ie
	}
	c.now = rec.Time
	return e.state.do(rec.Account, rec.Region, func(st *lmRegion) (any, *apiError) { return op.handle(st, c) })
}

func (e *emulator) accessDenied(rec *awsemu.RequestRecord, op lmOp) *apiError {
	spec := awsemu.RecordSpec{Account: rec.Account}
	e.srv.Principal(rec.AccessKeyID).Apply(&spec, rec.AccessKeyID)
	action := "lookoutmetrics:" + op.name
	return &apiError{Status: http.StatusForbidden, Code: "AccessDeniedException",
		Message: "User: " + spec.IdentityARN() + " is not authorized to perform: " + action +
			" on resource: arn:aws:lookoutmetrics:" + rec.Region + ":" + rec.Account +
			":* because no identity-based policy allows the " + action + " action"}
}

func writeRESTError(w http.ResponseWriter, e *apiError) {
	doc := map[string]any{"message": e.Message}
	for k, v := range e.Extra {
		doc[k] = v
	}
	body, _ := json.Marshal(doc)
	w.Header().Set("Content-Type", restJSONContentType)
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

func writeRESTResult(w http.ResponseWriter, status int, out any) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	body, err := json.Marshal(out)
	if err != nil {
		writeRESTError(w, &apiError{Status: http.StatusInternalServerError, Code: "InternalServerException",
			Message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", restJSONContentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
