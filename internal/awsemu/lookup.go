// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"encoding/json"
	"math"
	"slices"
	"time"
)

// X-Amz-Target values of CloudTrail LookupEvents; the SDK sends the short form.
const (
	LookupEventsTarget     = "CloudTrail_20131101.LookupEvents"
	LookupEventsTargetLong = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
)

const (
	// LookupWindow is how far back LookupEvents sees: older events are never returned.
	LookupWindow    = 90 * 24 * time.Hour
	maxLookupResult = 50
)

var lookupKeys = []string{"EventId", "EventName", "ReadOnly", "Username", "ResourceType",
	"ResourceName", "EventSource", "AccessKeyId"}

func (s *Server) registerCloudTrail() {
	op := operation{name: "LookupEvents", service: "cloudtrail", quota: true, handle: s.lookupEvents}
	s.targets[LookupEventsTarget] = op
	s.targets[LookupEventsTargetLong] = op
}

type lookupAttribute struct {
	AttributeKey   string  `json:"AttributeKey"`
	AttributeValue *string `json:"AttributeValue"`
}

type lookupEventsInput struct {
	LookupAttributes []lookupAttribute `json:"LookupAttributes"`
	StartTime        *float64          `json:"StartTime"`
	EndTime          *float64          `json:"EndTime"`
	MaxResults       *int              `json:"MaxResults"`
	NextToken        *string           `json:"NextToken"`
	EventCategory    *string           `json:"EventCategory"`
}

// lookupQuery is a validated LookupEvents request.
type lookupQuery struct {
	account, region string
	attr            *lookupAttribute
	start, end      time.Time // inclusive, clamped to the lookup window
	insight         bool
	max             int
	after           *position // continue after this event (from NextToken)
	hash            string    // identifies the parameters a NextToken is bound to
}

func (s *Server) lookupEvents(c *call) (any, *apiError) {
	var in lookupEventsInput
	if len(c.body) > 0 {
		if err := json.Unmarshal(c.body, &in); err != nil {
			return nil, badRequest("SerializationException", "cannot parse request: %v", err)
		}
	}
	q, aerr := s.parseLookup(c, &in)
	if aerr != nil {
		return nil, aerr
	}
	return s.lookupPage(q, c.now, s.Faults().MalformedRate), nil
}

func (s *Server) parseLookup(c *call, in *lookupEventsInput) (*lookupQuery, *apiError) {
	q := &lookupQuery{account: c.account, region: c.region, max: maxLookupResult}
	if err := q.setAttribute(in.LookupAttributes); err != nil {
		return nil, err
	}
	if err := q.setCategory(in.EventCategory); err != nil {
		return nil, err
	}
	if err := q.setMaxResults(in.MaxResults); err != nil {
		return nil, err
	}
	if err := q.setTimes(in.StartTime, in.EndTime, c.now, s.opts.StrictTimeRange); err != nil {
		return nil, err
	}
	q.hash = queryHash(c.account, c.region, in)
	if in.NextToken == nil {
		return q, nil
	}
	if s.Faults().InvalidateTokens {
		return nil, badRequest("InvalidNextTokenException", "Invalid NextToken")
	}
	pos, err := decodeToken(*in.NextToken, q.hash)
	if err != nil {
		return nil, err
	}
	q.after = pos
	return q, nil
}

func (q *lookupQuery) setAttribute(attrs []lookupAttribute) *apiError {
	switch {
	case len(attrs) == 0:
		return nil
	case len(attrs) > 1:
		return badRequest("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
	}
	a := attrs[0]
	if !slices.Contains(lookupKeys, a.AttributeKey) {
		return badRequest("InvalidLookupAttributesException", "Invalid attribute key %q", a.AttributeKey)
	}
	if a.AttributeValue == nil || *a.AttributeValue == "" {
		return badRequest("InvalidLookupAttributesException", "AttributeValue of %s is required", a.AttributeKey)
	}
	q.attr = &a
	return nil
}

func (q *lookupQuery) setCategory(cat *string) *apiError {
	if cat == nil || *cat == "" {
		return nil
	}
	if *cat != "insight" {
		return badRequest("InvalidEventCategoryException", "Invalid EventCategory %q; the only valid value is insight", *cat)
	}
	q.insight = true
	return nil
}

func (q *lookupQuery) setMaxResults(n *int) *apiError {
	if n == nil {
		return nil
	}
	if *n < 1 || *n > maxLookupResult {
		return badRequest("InvalidMaxResultsException", "MaxResults must be between 1 and %d, got %d", maxLookupResult, *n)
	}
	q.max = *n
	return nil
}

// setTimes validates the time range and clamps it to the lookup window; strict refuses
// a range that reaches past now or before the window instead.
func (q *lookupQuery) setTimes(start, end *float64, now time.Time, strict bool) *apiError {
	q.end, q.start = now, now.Add(-LookupWindow)
	if end != nil {
		q.end = epochTime(*end)
	}
	if start != nil {
		q.start = epochTime(*start)
	}
	if start != nil && q.start.After(q.end) {
		return badRequest("InvalidTimeRangeException", "Start time must be earlier than or equal to end time")
	}
	// EndTime has a resolution of a millisecond on the wire: compare at it.
	if strict && (q.end.After(now.Truncate(time.Millisecond)) || q.start.Before(now.Add(-LookupWindow))) {
		return badRequest("InvalidTimeRangeException", "Time range is outside the range of possible values")
	}
	if floor := now.Add(-LookupWindow); q.start.Before(floor) {
		q.start = floor
	}
	return nil
}

// epochTime converts epoch seconds, with up to millisecond precision, to a time.
func epochTime(sec float64) time.Time {
	return time.UnixMilli(int64(math.Round(sec * 1000))).UTC()
}

// matches reports whether ev is returned by the query, apart from its time range.
func (q *lookupQuery) matches(ev *Event, now time.Time) bool {
	if ev.VisibleAt.After(now) || ev.Insight != q.insight {
		return false
	}
	return q.attr == nil || q.attr.matches(ev)
}

func (a *lookupAttribute) matches(ev *Event) bool {
	v := *a.AttributeValue
	switch a.AttributeKey {
	case "EventId":
		return ev.EventID == v
	case "EventName":
		return ev.EventName == v
	case "ReadOnly":
		return (v == "true" && ev.ReadOnly) || (v == "false" && !ev.ReadOnly)
	case "Username":
		return ev.Username == v
	case "EventSource":
		return ev.EventSource == v
	case "AccessKeyId":
		return ev.AccessKeyID == v
	case "ResourceType":
		return slices.ContainsFunc(ev.Resources, func(r Resource) bool { return r.ResourceType == v })
	case "ResourceName":
		return slices.ContainsFunc(ev.Resources, func(r Resource) bool { return r.ResourceName == v })
	}
	return false
}
