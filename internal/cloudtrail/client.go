// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

// Package cloudtrail wraps the CloudTrail LookupEvents API for the poller: one page per
// call, every HTTP attempt paced by a limiter shared per account and region, retries for
// throttling and server errors, and errors sorted into the few kinds the poller acts on.
package cloudtrail // import "github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// MaxResults is the largest page LookupEvents returns.
const MaxResults = 50

// API is the part of the SDK client the poller uses; tests may fake it.
type API interface {
	LookupEvents(ctx context.Context, in *cloudtrail.LookupEventsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error)
}

// AllSources, as a Query's EventSource, selects the events of every source: LookupEvents
// without a lookup attribute.
const AllSources = "*"

// CategoryInsight, as a Query's Category, selects CloudTrail Insights events.
const CategoryInsight = "insight"

// Query selects the events of one event source (or of all, with "" or AllSources) in an
// inclusive time range. Category "insight" selects Insights events instead of management
// events.
type Query struct {
	EventSource string
	Category    string
	Start, End  time.Time
}

// Event is one LookupEvents result. Record is the CloudTrail record as a JSON string.
type Event struct {
	ID       string
	Name     string
	Time     time.Time
	ReadOnly string // "true" or "false", as LookupEvents gives it
	Source   string // the event source, as LookupEvents gives it ("" for Insights events)
	Record   string
}

// Page is one LookupEvents response: events newest first, and the token of the next page
// ("" on the last page).
type Page struct {
	Events    []Event
	NextToken string
	// ServerTime is the server's clock when it answered (the response's Date header, to
	// the second); zero when the response had none.
	ServerTime time.Time
}

// Client reads pages of events.
type Client struct {
	api API
}

// NewClient returns a Client over api (usually the SDK client from NewSDKClient).
func NewClient(api API) *Client {
	return &Client{api: api}
}

// Lookup reads one page of q, starting at token ("" for the first page).
func (c *Client) Lookup(ctx context.Context, q Query, token string) (Page, error) {
	in := &cloudtrail.LookupEventsInput{
		StartTime:  aws.Time(q.Start),
		EndTime:    aws.Time(q.End),
		MaxResults: aws.Int32(MaxResults),
	}
	if q.EventSource != "" && q.EventSource != AllSources {
		in.LookupAttributes = []types.LookupAttribute{{
			AttributeKey:   types.LookupAttributeKeyEventSource,
			AttributeValue: aws.String(q.EventSource),
		}}
	}
	if q.Category != "" {
		in.EventCategory = types.EventCategory(q.Category)
	}
	if token != "" {
		in.NextToken = aws.String(token)
	}
	out, err := c.api.LookupEvents(ctx, in)
	if err != nil {
		return Page{}, err
	}
	if res, ok := resultOf(out.ResultMetadata); ok { // decoded by responseCheck
		page := Page{Events: make([]Event, 0, len(res.Events)), NextToken: aws.ToString(res.NextToken),
			ServerTime: serverTime(out.ResultMetadata)}
		for i := range res.Events {
			e := &res.Events[i]
			var at time.Time
			if e.EventTime != nil {
				at = time.Time(*e.EventTime)
			}
			page.Events = append(page.Events, Event{
				ID:       aws.ToString(e.EventID),
				Name:     aws.ToString(e.EventName),
				Time:     at,
				ReadOnly: aws.ToString(e.ReadOnly),
				Source:   aws.ToString(e.EventSource),
				Record:   recordOf(e.CloudTrailEvent),
			})
		}
		return page, nil
	}
	page := Page{Events: make([]Event, 0, len(out.Events)), NextToken: aws.ToString(out.NextToken),
		ServerTime: serverTime(out.ResultMetadata)}
	for i := range out.Events {
		e := &out.Events[i]
		page.Events = append(page.Events, Event{
			ID:       aws.ToString(e.EventId),
			Name:     aws.ToString(e.EventName),
			Time:     aws.ToTime(e.EventTime),
			ReadOnly: aws.ToString(e.ReadOnly),
			Source:   aws.ToString(e.EventSource),
			Record:   aws.ToString(e.CloudTrailEvent),
		})
	}
	return page, nil
}

func recordOf(r *record) string {
	if r == nil {
		return ""
	}
	return string(*r)
}
