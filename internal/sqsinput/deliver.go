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
// refuses (found by deliver's bisection); any other error is returned.
func deliverLogs(ctx context.Context, next consumer.Logs, logs plog.Logs) (deliver.Result, error) {
	return deliver.Deliver(ctx, next, deliver.FromLogs(logs, eventID))
}

func eventID(lr plog.LogRecord) string {
	v, _ := lr.Attributes().Get(translate.AttrEventID)
	return v.Str()
}
