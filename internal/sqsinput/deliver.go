package sqsinput

import (
	"context"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
)

// deliverResult says what became of a batch.
type deliverResult struct {
	Delivered int
	Dropped   []string // event IDs refused for good
	Cause     error
}

// deliverLogs hands logs to next. A permanent refusal drops the whole batch (counted);
// any other error is returned.
func deliverLogs(ctx context.Context, next consumer.Logs, logs plog.Logs) (deliverResult, error) {
	n := logs.LogRecordCount()
	ids := eventIDs(logs)
	err := next.ConsumeLogs(ctx, logs)
	switch {
	case err == nil:
		return deliverResult{Delivered: n}, nil
	case consumererror.IsPermanent(err):
		return deliverResult{Dropped: ids, Cause: err}, nil
	}
	return deliverResult{}, err
}

func eventIDs(logs plog.Logs) []string {
	var ids []string
	rls := logs.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				if v, ok := lrs.At(k).Attributes().Get("aws.cloudtrail.event_id"); ok {
					ids = append(ids, v.Str())
				}
			}
		}
	}
	return ids
}
