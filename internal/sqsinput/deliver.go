// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"context"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/deliver"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// deliverLogs hands logs to next: a permanent refusal drops only the records the pipeline
// refuses (found by deliver's bisection); any other error is returned. With an error,
// accepted lists the event IDs (as translated) of the records the pipeline accepted
// before it: Deliver sends the records in order, so every record before the one refused
// for now was accepted or refused for good.
func deliverLogs(ctx context.Context, next consumer.Logs, logs plog.Logs) (res deliver.Result, accepted []string, err error) {
	b := deliver.FromLogs(logs, eventID)
	res, err = deliver.Deliver(ctx, next, b)
	if err == nil {
		return res, nil, nil
	}
	done := min(res.Delivered+len(res.Dropped), b.Len())
	ids := make([]string, 0, done)
	for i := range done {
		ids = append(ids, b.ID(i))
	}
	return res, res.Accepted(ids), err
}

func eventID(lr plog.LogRecord) string {
	v, _ := lr.Attributes().Get(translate.AttrEventID)
	return v.Str()
}
