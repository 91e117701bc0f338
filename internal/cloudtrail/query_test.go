// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

// AllSources asks without a lookup attribute (every management event of the
// account-region); Category insight asks for Insights events, which no other query returns.
func TestQueryAllSourcesAndInsights(t *testing.T) {
	e := newEmulator(t, 3)
	now := time.Now().UTC()
	e.srv.Store().Add(
		awsemu.NewRecord(awsemu.RecordSpec{EventSource: "iam.amazonaws.com", EventTime: now.Add(-time.Minute)}),
		awsemu.NewInsightRecord(awsemu.RecordSpec{EventSource: "iam.amazonaws.com", EventName: "CreateUser", EventTime: now.Add(-time.Minute)}),
	)
	c := newClient(t, e.url, nil)
	q := lastHour()
	sources := func(q cloudtrail.Query) []string {
		page, err := c.Lookup(context.Background(), q, "")
		require.NoError(t, err)
		var out []string
		for _, ev := range page.Events {
			out = append(out, ev.Source)
		}
		return out
	}
	assert.Equal(t, []string{lfm, lfm, lfm}, sources(q))
	q.EventSource = cloudtrail.AllSources
	assert.ElementsMatch(t, []string{lfm, lfm, lfm, "iam.amazonaws.com"}, sources(q))
	q.Category = cloudtrail.CategoryInsight
	assert.Len(t, sources(q), 1, "one Insights event")
}
