// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetectorLifecycle(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	arn := createDetector(t, c, "revenue")
	assert.Equal(t, "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:revenue", arn)

	d, err := c.DescribeAnomalyDetector(bg, &lm.DescribeAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.NoError(t, err)
	assert.Equal(t, "revenue", aws.ToString(d.AnomalyDetectorName))
	assert.Equal(t, types.AnomalyDetectorStatusInactive, d.Status)
	assert.Equal(t, types.FrequencyPt1h, d.AnomalyDetectorConfig.AnomalyDetectorFrequency)
	assert.True(t, t0.Equal(aws.ToTime(d.CreationTime)))

	_, err = c.UpdateAnomalyDetector(bg, &lm.UpdateAnomalyDetectorInput{AnomalyDetectorArn: &arn,
		AnomalyDetectorDescription: aws.String("hourly revenue")})
	require.NoError(t, err)
	_, err = c.CreateMetricSet(bg, newMetricSetInput(arn, "sales"))
	require.NoError(t, err)

	_, err = c.ActivateAnomalyDetector(bg, &lm.ActivateAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.NoError(t, err)
	requireStatus(t, c, arn, types.AnomalyDetectorStatusActivating, "hourly revenue")
	h.clock.Advance(lmTransition)
	requireStatus(t, c, arn, types.AnomalyDetectorStatusActive, "hourly revenue")

	_, err = c.DeactivateAnomalyDetector(bg, &lm.DeactivateAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.NoError(t, err)
	requireStatus(t, c, arn, types.AnomalyDetectorStatusDeactivated, "hourly revenue")

	_, err = c.BackTestAnomalyDetector(bg, &lm.BackTestAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.NoError(t, err)
	requireStatus(t, c, arn, types.AnomalyDetectorStatusBackTestActivating, "hourly revenue")
	h.clock.Advance(lmTransition)
	requireStatus(t, c, arn, types.AnomalyDetectorStatusBackTestComplete, "hourly revenue")

	_, err = c.DeleteAnomalyDetector(bg, &lm.DeleteAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.NoError(t, err)
	_, err = c.DescribeAnomalyDetector(bg, &lm.DescribeAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	ms, err := c.ListMetricSets(bg, &lm.ListMetricSetsInput{})
	require.NoError(t, err)
	assert.Empty(t, ms.MetricSetSummaryList, "deleting a detector deletes its metric set")
}

func requireStatus(t *testing.T, c *lm.Client, arn string, want types.AnomalyDetectorStatus, desc string) {
	t.Helper()
	d, err := c.DescribeAnomalyDetector(bg, &lm.DescribeAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.NoError(t, err)
	assert.Equal(t, want, d.Status)
	assert.Equal(t, desc, aws.ToString(d.AnomalyDetectorDescription))
}

func TestListAnomalyDetectorsPaginates(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	for _, name := range []string{"e", "a", "d", "c", "b"} {
		createDetector(t, c, name)
	}
	p := lm.NewListAnomalyDetectorsPaginator(c, &lm.ListAnomalyDetectorsInput{MaxResults: aws.Int32(2)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(bg)
		require.NoError(t, err)
		pages++
		for _, d := range out.AnomalyDetectorSummaryList {
			names = append(names, aws.ToString(d.AnomalyDetectorName))
			assert.Equal(t, map[string]string{"team": "analytics"}, d.Tags)
			assert.Equal(t, types.AnomalyDetectorStatusInactive, d.Status)
		}
	}
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, names)
	assert.Equal(t, 3, pages)
}

func TestDetectorStateIsPerAccountAndRegion(t *testing.T) {
	h := lmHarness(t, awsemu.Options{Accounts: map[string]string{"AKIAOTHER": "222222222222"}})
	createDetector(t, h.lm(aliceKey), "shared-name")
	arn := createDetector(t, h.lm("AKIAOTHER"), "shared-name")
	assert.Equal(t, "arn:aws:lookoutmetrics:us-east-1:222222222222:AnomalyDetector:shared-name", arn)
	west := lm.New(lm.Options{Region: "us-west-2"}, func(o *lm.Options) {
		base := h.lm(aliceKey).Options()
		o.BaseEndpoint, o.Credentials, o.HTTPClient, o.RetryMaxAttempts = base.BaseEndpoint, base.Credentials, base.HTTPClient, 1
	})
	out, err := west.ListAnomalyDetectors(bg, &lm.ListAnomalyDetectorsInput{})
	require.NoError(t, err)
	assert.Empty(t, out.AnomalyDetectorSummaryList)
}

func TestActivationRules(t *testing.T) {
	h := lmHarness(t, awsemu.Options{})
	c := h.lm(aliceKey)
	arn := createDetector(t, c, "bare")
	_, err := c.ActivateAnomalyDetector(bg, &lm.ActivateAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	var ve *types.ValidationException
	require.ErrorAs(t, err, &ve, "a detector without a metric set cannot be activated")

	_, err = c.CreateMetricSet(bg, newMetricSetInput(arn, "data"))
	require.NoError(t, err)
	_, err = c.ActivateAnomalyDetector(bg, &lm.ActivateAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.NoError(t, err)
	_, err = c.ActivateAnomalyDetector(bg, &lm.ActivateAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	var ce *types.ConflictException
	require.ErrorAs(t, err, &ce, "already activating")
	_, err = c.DeleteAnomalyDetector(bg, &lm.DeleteAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.ErrorAs(t, err, &ce, "cannot delete while activating")
	_, err = c.UpdateAnomalyDetector(bg, &lm.UpdateAnomalyDetectorInput{AnomalyDetectorArn: &arn,
		AnomalyDetectorConfig: &types.AnomalyDetectorConfig{AnomalyDetectorFrequency: types.FrequencyP1d}})
	require.ErrorAs(t, err, &ve, "the frequency is fixed once active")

	h.clock.Advance(time.Hour)
	_, err = c.DeleteAnomalyDetector(bg, &lm.DeleteAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	require.NoError(t, err, "an ACTIVE detector can be deleted")
	_, err = c.DeactivateAnomalyDetector(bg, &lm.DeactivateAnomalyDetectorInput{AnomalyDetectorArn: &arn})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}
