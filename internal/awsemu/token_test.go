// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNextTokenIsBoundToQueryParameters(t *testing.T) {
	h := newHarness(t, Options{})
	h.seed(10, t0.Add(-time.Hour), func(_ int, s *RecordSpec) { s.Username = "carol" })
	c := h.client(testAKID)
	base := cloudtrail.LookupEventsInput{
		LookupAttributes: attr(types.LookupAttributeKeyUsername, "carol"),
		StartTime:        aws.Time(t0.Add(-2 * time.Hour)),
		MaxResults:       aws.Int32(3),
	}
	first, err := lookup(t, c, &base)
	require.NoError(t, err)
	require.NotNil(t, first.NextToken)

	changed := []func(in *cloudtrail.LookupEventsInput){
		func(in *cloudtrail.LookupEventsInput) {
			in.LookupAttributes = attr(types.LookupAttributeKeyUsername, "dave")
		},
		func(in *cloudtrail.LookupEventsInput) { in.LookupAttributes = nil },
		func(in *cloudtrail.LookupEventsInput) { in.StartTime = aws.Time(t0.Add(-3 * time.Hour)) },
		func(in *cloudtrail.LookupEventsInput) { in.EndTime = aws.Time(t0) },
		func(in *cloudtrail.LookupEventsInput) { in.NextToken = aws.String("bm90IGEgdG9rZW4=") },
		func(in *cloudtrail.LookupEventsInput) { in.NextToken = aws.String("%%%") },
	}
	for i, change := range changed {
		in := base
		in.NextToken = first.NextToken
		change(&in)
		_, err := lookup(t, c, &in)
		var tokErr *types.InvalidNextTokenException
		require.ErrorAs(t, err, &tokErr, "case %d", i)
	}
	in := base
	in.NextToken, in.MaxResults = first.NextToken, aws.Int32(50) // page size may change
	rest, err := lookup(t, c, &in)
	require.NoError(t, err)
	assert.Len(t, rest.Events, 7)
	assert.Nil(t, rest.NextToken)
}

func TestNextTokenFromAnotherAccountIsRejected(t *testing.T) {
	h := newHarness(t, Options{Accounts: map[string]string{"AKIDOTHER": "210987654321"}})
	h.seed(5, t0.Add(-time.Hour), nil)
	h.seed(5, t0.Add(-time.Hour), func(_ int, s *RecordSpec) { s.Account = "210987654321" })
	first, err := lookup(t, h.client(testAKID), &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(2)})
	require.NoError(t, err)
	_, err = lookup(t, h.client("AKIDOTHER"), &cloudtrail.LookupEventsInput{
		MaxResults: aws.Int32(2), NextToken: first.NextToken})
	var tokErr *types.InvalidNextTokenException
	require.ErrorAs(t, err, &tokErr)
}

func TestPaginationByKeyWhileEventsArrive(t *testing.T) {
	h := newHarness(t, Options{})
	evs := h.seed(20, t0.Add(-time.Hour), nil)
	c := h.client(testAKID)
	in := &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(5)}
	first, err := lookup(t, c, in)
	require.NoError(t, err)
	require.Equal(t, newestFirstIDs(evs)[:5], eventIDs(first.Events))

	newer := NewRecord(RecordSpec{EventTime: t0.Add(-time.Minute)})
	late := NewRecord(RecordSpec{EventTime: evs[3].EventTime.Add(time.Second)}) // older than page 1
	h.srv.Store().Add(newer, late)

	in.NextToken = first.NextToken
	in.MaxResults = aws.Int32(50)
	rest, err := lookup(t, c, in)
	require.NoError(t, err)
	want := append(newestFirstIDs(evs[4:15]), late.EventID)
	want = append(want, newestFirstIDs(evs[:4])...)
	assert.Equal(t, want, eventIDs(rest.Events), "no duplicates, no skips, new older event included")
	assert.NotContains(t, eventIDs(rest.Events), newer.EventID)
}

func TestVisibilityDelayUsesInjectedClock(t *testing.T) {
	h := newHarness(t, Options{})
	ev := NewRecord(RecordSpec{EventTime: t0.Add(-time.Minute), DeliveryDelay: 5 * time.Minute})
	h.srv.Store().Add(ev)
	c := h.client(testAKID)
	out, err := lookup(t, c, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.Empty(t, out.Events, "not visible before VisibleAt")
	h.clock.Advance(4*time.Minute - time.Second)
	out, err = lookup(t, c, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.Empty(t, out.Events)
	h.clock.Advance(time.Second) // now == VisibleAt
	out, err = lookup(t, c, &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
	assert.Equal(t, []string{ev.EventID}, eventIDs(out.Events))
}

func TestInvalidateTokensFault(t *testing.T) {
	h := newHarness(t, Options{})
	h.seed(3, t0.Add(-time.Hour), nil)
	c := h.client(testAKID)
	first, err := lookup(t, c, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	h.srv.SetFaults(Faults{InvalidateTokens: true})
	_, err = lookup(t, c, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(1), NextToken: first.NextToken})
	var tokErr *types.InvalidNextTokenException
	require.ErrorAs(t, err, &tokErr)
	h.srv.SetFaults(Faults{})
	_, err = lookup(t, c, &cloudtrail.LookupEventsInput{MaxResults: aws.Int32(1), NextToken: first.NextToken})
	require.NoError(t, err)
}
