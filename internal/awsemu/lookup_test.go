// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookupEventsPaginatesNewestFirstWithInclusiveBounds(t *testing.T) {
	h := newHarness(t, Options{})
	all := h.seed(139, t0.Add(-time.Hour), nil)
	inRange := all[1:138] // 137 events; all[0] and all[138] lie just outside
	in := &cloudtrail.LookupEventsInput{
		StartTime:  aws.Time(inRange[0].EventTime),
		EndTime:    aws.Time(inRange[136].EventTime),
		MaxResults: aws.Int32(50),
	}
	c := h.client(testAKID)
	var got []types.Event
	var sizes []int
	for {
		out, err := lookup(t, c, in)
		require.NoError(t, err)
		got = append(got, out.Events...)
		sizes = append(sizes, len(out.Events))
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	assert.Equal(t, []int{50, 50, 37}, sizes)
	require.Equal(t, newestFirstIDs(inRange), eventIDs(got))
	for i := 1; i < len(got); i++ {
		assert.True(t, got[i-1].EventTime.After(*got[i].EventTime))
	}
}

func TestLookupEventsFieldsMatchStoredEvent(t *testing.T) {
	h := newHarness(t, Options{})
	ev := NewRecord(RecordSpec{EventTime: t0.Add(-time.Minute), ReadOnly: true, Username: "bob",
		AccessKeyID: "AKIABOB", Resources: []Resource{{"AWS::EC2::Instance", "i-0abc"}}})
	h.srv.Store().Add(ev)
	out, err := lookup(t, h.client(testAKID), &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	require.Len(t, out.Events, 1)
	got := out.Events[0]
	assert.Equal(t, ev.EventID, aws.ToString(got.EventId))
	assert.Equal(t, "DescribeInstances", aws.ToString(got.EventName))
	assert.Equal(t, "ec2.amazonaws.com", aws.ToString(got.EventSource))
	assert.Equal(t, "true", aws.ToString(got.ReadOnly))
	assert.Equal(t, "bob", aws.ToString(got.Username))
	assert.Equal(t, "AKIABOB", aws.ToString(got.AccessKeyId))
	assert.True(t, ev.EventTime.Equal(aws.ToTime(got.EventTime)))
	require.Len(t, got.Resources, 1)
	assert.Equal(t, "i-0abc", aws.ToString(got.Resources[0].ResourceName))
	assert.Equal(t, ev.CloudTrailEvent, aws.ToString(got.CloudTrailEvent))
	assert.Nil(t, out.NextToken)
}

func TestLookupEventsEachAttributeKey(t *testing.T) {
	h := newHarness(t, Options{})
	evs := h.seed(4, t0.Add(-time.Hour), func(i int, s *RecordSpec) {
		s.ReadOnly = i == 2
		s.Username = []string{"u0", "u1", "u2", "u3"}[i]
		s.AccessKeyID = []string{"AK0", "AK1", "AK2", "AK3"}[i]
		s.EventSource = []string{"ec2.amazonaws.com", "s3.amazonaws.com", "iam.amazonaws.com", "kms.amazonaws.com"}[i]
		s.Resources = []Resource{{[]string{"T0", "T1", "T2", "T3"}[i], []string{"N0", "N1", "N2", "N3"}[i]}}
	})
	cases := map[types.LookupAttributeKey]string{
		types.LookupAttributeKeyEventId:      evs[1].EventID,
		types.LookupAttributeKeyEventName:    "Op001",
		types.LookupAttributeKeyUsername:     "u1",
		types.LookupAttributeKeyAccessKeyId:  "AK1",
		types.LookupAttributeKeyEventSource:  "s3.amazonaws.com",
		types.LookupAttributeKeyResourceType: "T1",
		types.LookupAttributeKeyResourceName: "N1",
	}
	c := h.client(testAKID)
	for key, value := range cases {
		out, err := lookup(t, c, &cloudtrail.LookupEventsInput{LookupAttributes: attr(key, value)})
		require.NoError(t, err, key)
		assert.Equal(t, []string{evs[1].EventID}, eventIDs(out.Events), key)
	}
	out, err := lookup(t, c, &cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyReadOnly, "true")})
	require.NoError(t, err)
	assert.Equal(t, []string{evs[2].EventID}, eventIDs(out.Events))
	out, err = lookup(t, c, &cloudtrail.LookupEventsInput{LookupAttributes: attr(types.LookupAttributeKeyReadOnly, "false")})
	require.NoError(t, err)
	assert.Equal(t, []string{evs[3].EventID, evs[1].EventID, evs[0].EventID}, eventIDs(out.Events))
}

func TestLookupEventsValidationErrors(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.client(testAKID)
	two := append(attr(types.LookupAttributeKeyUsername, "a"), attr(types.LookupAttributeKeyEventName, "b")...)
	_, err := lookup(t, c, &cloudtrail.LookupEventsInput{LookupAttributes: two})
	var attrErr *types.InvalidLookupAttributesException
	require.ErrorAs(t, err, &attrErr)
	_, err = lookup(t, c, &cloudtrail.LookupEventsInput{LookupAttributes: attr("Color", "red")})
	require.ErrorAs(t, err, &attrErr)
	for _, n := range []int32{0, 51, -1} {
		_, err = lookup(t, c, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(n)})
		var maxErr *types.InvalidMaxResultsException
		require.ErrorAs(t, err, &maxErr, n)
	}
	_, err = lookup(t, c, &cloudtrail.LookupEventsInput{StartTime: aws.Time(t0), EndTime: aws.Time(t0.Add(-time.Second))})
	var rangeErr *types.InvalidTimeRangeException
	require.ErrorAs(t, err, &rangeErr)
	_, err = lookup(t, c, &cloudtrail.LookupEventsInput{EventCategory: "management"})
	var catErr *types.InvalidEventCategoryException
	require.ErrorAs(t, err, &catErr)
	assert.Equal(t, 7, h.srv.Stats().ClientErrors)
}

func TestLookupEventsNinetyDayWindow(t *testing.T) {
	h := newHarness(t, Options{})
	old := NewRecord(RecordSpec{EventTime: t0.Add(-LookupWindow - time.Hour)})
	recent := NewRecord(RecordSpec{EventTime: t0.Add(-LookupWindow + time.Hour)})
	future := NewRecord(RecordSpec{EventTime: t0.Add(time.Hour)})
	h.srv.Store().Add(old, recent, future)
	c := h.client(testAKID)
	out, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{recent.EventID}, eventIDs(out.Events))
	out, err = lookup(t, c, &cloudtrail.LookupEventsInput{StartTime: aws.Time(t0.Add(-100 * 24 * time.Hour))})
	require.NoError(t, err)
	assert.Equal(t, []string{recent.EventID}, eventIDs(out.Events))
}

func TestLookupEventsInsightCategory(t *testing.T) {
	h := newHarness(t, Options{})
	mgmt := NewRecord(RecordSpec{EventTime: t0.Add(-2 * time.Minute)})
	insight := NewInsightRecord(RecordSpec{EventTime: t0.Add(-time.Minute)})
	h.srv.Store().Add(mgmt, insight)
	c := h.client(testAKID)
	out, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{mgmt.EventID}, eventIDs(out.Events))
	out, err = lookup(t, c, &cloudtrail.LookupEventsInput{EventCategory: types.EventCategoryInsight})
	require.NoError(t, err)
	require.Equal(t, []string{insight.EventID}, eventIDs(out.Events))
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(out.Events[0].CloudTrailEvent)), &rec))
	assert.Equal(t, "Insight", rec["eventCategory"])
}
