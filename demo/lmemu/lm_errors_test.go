// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// httpStatus returns the HTTP status of a failed SDK call.
func httpStatus(t *testing.T, err error) int {
	t.Helper()
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re), "%v", err)
	return re.HTTPStatusCode()
}

func TestTypedErrorsWithTheModelsStatusCodes(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	arn := createDetector(t, c, "dup")

	_, err := c.DescribeAnomalyDetector(bg, &lm.DescribeAnomalyDetectorInput{
		AnomalyDetectorArn: aws.String("arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:missing")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, 400, httpStatus(t, err), "the service model gives ResourceNotFoundException HTTP 400")
	assert.Equal(t, "AnomalyDetector", aws.ToString(nf.ResourceType))

	_, err = c.CreateAnomalyDetector(bg, &lm.CreateAnomalyDetectorInput{AnomalyDetectorName: aws.String("bad name!"),
		AnomalyDetectorConfig: &types.AnomalyDetectorConfig{AnomalyDetectorFrequency: types.FrequencyPt1h}})
	var ve *types.ValidationException
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, 400, httpStatus(t, err))
	assert.Equal(t, types.ValidationExceptionReasonFieldValidationFailed, ve.Reason)
	require.Len(t, ve.Fields, 1)
	assert.Equal(t, "AnomalyDetectorName", aws.ToString(ve.Fields[0].Name))
	assert.Contains(t, ve.ErrorMessage(), "at 'anomalyDetectorName' failed to satisfy constraint")

	_, err = c.CreateAnomalyDetector(bg, &lm.CreateAnomalyDetectorInput{AnomalyDetectorName: aws.String("dup"),
		AnomalyDetectorConfig: &types.AnomalyDetectorConfig{AnomalyDetectorFrequency: types.FrequencyPt1h}})
	var ce *types.ConflictException
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 409, httpStatus(t, err))
	assert.Equal(t, arn, aws.ToString(ce.ResourceId))

	_, err = h.lm(awsemu.DeniedAccessKeyID).ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
	var ad *types.AccessDeniedException
	require.ErrorAs(t, err, &ad)
	assert.Equal(t, 403, httpStatus(t, err))
	assert.Contains(t, ad.ErrorMessage(), "arn:aws:iam::123456789012:user/mallory is not authorized to perform: "+
		"lookoutmetrics:ListAnomalyDetectors")

	_, err = c.ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{MaxResults: aws.Int32(500)})
	require.ErrorAs(t, err, &ve)
	_, err = c.ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{NextToken: aws.String("garbage")})
	require.ErrorAs(t, err, &ve)
}

func TestDeniedAccessKeysOption(t *testing.T) {
	h := lmHarness(t, awsemu.Options{DeniedAccessKeys: []string{aliceKey}})
	_, err := h.lm(aliceKey).ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
	var ad *types.AccessDeniedException
	require.ErrorAs(t, err, &ad)
	_, err = h.lm(awsemu.DeniedAccessKeyID).ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
	require.NoError(t, err, "an explicit list replaces the default")
}

// rawREST sends a request without the SDK and returns the status, headers and body.
func rawREST(t *testing.T, method, url, auth, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(raw)
}

func TestRestJSONWireShapes(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	status, hdr, body := rawREST(t, http.MethodPost, h.url+"/DescribeAnomalyDetector", testAuth, `{"AnomalyDetectorArn":`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "ValidationException", hdr.Get("X-Amzn-ErrorType"))
	assert.Equal(t, "application/json", hdr.Get("Content-Type"))
	assert.Regexp(t, uuidRE, hdr.Get("x-amzn-RequestId"))
	assert.Contains(t, body, `"Reason":"CANNOT_PARSE"`)
	assert.Contains(t, body, `"message":"Could not parse the request`)

	status, hdr, _ = rawREST(t, http.MethodPost, h.url+"/ListAnomalyDetectors", "", `{}`)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "MissingAuthenticationTokenException", hdr.Get("X-Amzn-ErrorType"))

	status, hdr, body = rawREST(t, http.MethodPost, h.url+"/ListAnomalyDetectors", testAuth, ``)
	assert.Equal(t, http.StatusOK, status, "an empty body is an empty request")
	assert.Equal(t, `{"AnomalyDetectorSummaryList":[]}`, body)
	assert.Regexp(t, uuidRE, hdr.Get("x-amzn-RequestId"))

	status, _, _ = rawREST(t, http.MethodGet, h.url+"/ListAnomalyDetectors", testAuth, ``)
	assert.Equal(t, http.StatusNotFound, status, "operations are POSTed")
	status, _, _ = rawREST(t, http.MethodPost, h.url+"/TagResource", testAuth, `{}`)
	assert.Equal(t, http.StatusNotFound, status, "tag operations live under /tags/")
	assert.ElementsMatch(t, []string{"ActivateAnomalyDetector", "BackTestAnomalyDetector", "CreateAlert",
		"CreateAnomalyDetector", "CreateMetricSet", "DeactivateAnomalyDetector", "DeleteAlert",
		"DeleteAnomalyDetector", "DescribeAlert", "DescribeAnomalyDetectionExecutions", "DescribeAnomalyDetector",
		"DescribeMetricSet", "DetectMetricSetConfig", "GetAnomalyGroup", "GetDataQualityMetrics", "GetFeedback",
		"GetSampleData", "ListAlerts", "ListAnomalyDetectors", "ListAnomalyGroupRelatedMetrics",
		"ListAnomalyGroupSummaries", "ListAnomalyGroupTimeSeries", "ListMetricSets", "ListTagsForResource",
		"PutFeedback", "TagResource", "UntagResource", "UpdateAlert", "UpdateAnomalyDetector", "UpdateMetricSet"},
		LookoutMetricsOperations())
}

func TestTagResourceAnswers204(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	arn := createDetector(t, h.lm(aliceKey), "x")
	status, _, body := rawREST(t, http.MethodPost, h.url+"/tags/"+strings.ReplaceAll(arn, "/", "%2F"), testAuth,
		`{"Tags":{"k":"v"}}`)
	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, body)
	status, _, body = rawREST(t, http.MethodGet, h.url+"/tags/"+arn, testAuth, ``)
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"Tags":{"k":"v","team":"analytics"}}`, body)
}
