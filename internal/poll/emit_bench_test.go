// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package poll

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/checkpoint"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
	"github.com/otelcol-cloudtrail/awscloudtrail/internal/translate"
)

// nopStore saves nothing, so BenchmarkEmit measures sorting, de-duplication
// and translation rather than checkpoint encoding.
type nopStore struct{}

func (nopStore) Load(context.Context, string) (checkpoint.State, bool, error) {
	return checkpoint.State{}, false, nil
}
func (nopStore) Save(context.Context, string, checkpoint.State) error { return nil }

// benchCreateMetricSetParams is about size bytes of CreateMetricSet
// requestParameters.
func benchCreateMetricSetParams(size int) json.RawMessage {
	type metric struct{ MetricName, AggregationFunction, Namespace string }
	p := map[string]any{
		"AnomalyDetectorArn": "arn:aws:lookoutmetrics:us-east-1:" + awsemu.DefaultAccountID + ":AnomalyDetector:revenue-detector",
		"MetricSetName":      "revenue-by-region", "Offset": 300, "MetricSetFrequency": "PT5M",
	}
	var metrics []metric
	var dims []string
	for n := 0; ; n++ {
		metrics = append(metrics, metric{fmt.Sprintf("revenue_%04d", n), "SUM", "Custom/Revenue"})
		dims = append(dims, fmt.Sprintf("dim_%03d", n))
		p["MetricList"], p["DimensionList"] = metrics, dims
		if b, _ := json.Marshal(p); len(b) >= size {
			return b
		}
	}
}

// benchEvents returns n events of one Lookout for Metrics stream, newest
// first as LookupEvents returns them: 1 in 20 a CreateMetricSet call with
// 50 KB requestParameters, 4 in 20 refused with AccessDenied, the rest
// DescribeAnomalyDetector calls.
func benchEvents(n int) []cloudtrail.Event {
	t := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	det := "arn:aws:lookoutmetrics:us-east-1:" + awsemu.DefaultAccountID + ":AnomalyDetector:revenue-detector"
	params := benchCreateMetricSetParams(50 << 10)
	events := make([]cloudtrail.Event, n)
	for i := range events {
		spec := awsemu.RecordSpec{
			EventID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), RequestID: fmt.Sprintf("10000000-0000-4000-8000-%012d", i),
			EventSource: lfm, EventName: "DescribeAnomalyDetector", ReadOnly: true,
			EventTime: t.Add(-time.Duration(i) * time.Second), IdentityType: awsemu.IdentityAssumedRole,
			RequestParameters: map[string]any{"AnomalyDetectorArn": det},
		}
		switch {
		case i%20 == 0:
			spec.EventName, spec.ReadOnly, spec.RequestParameters = "CreateMetricSet", false, nil
			spec.RequestParametersJSON = params
			spec.ResponseElements = map[string]any{"MetricSetArn": "arn:aws:lookoutmetrics:us-east-1:" +
				awsemu.DefaultAccountID + ":MetricSet/revenue-detector/revenue-by-region"}
		case i%5 == 1:
			spec.EventName, spec.ReadOnly = "UpdateAnomalyDetector", false
			spec.ErrorCode = "AccessDenied"
			spec.ErrorMessage = "User is not authorized to perform: lookoutmetrics:UpdateAnomalyDetector on resource: " + det
		}
		ev := awsemu.NewRecord(spec)
		readOnly := "false"
		if ev.ReadOnly {
			readOnly = "true"
		}
		events[i] = cloudtrail.Event{ID: ev.EventID, Name: ev.EventName, Time: ev.EventTime, ReadOnly: readOnly, Record: ev.CloudTrailEvent}
	}
	return events
}

// BenchmarkEmit is Stream.emit of a 1,000-event slice: sort, de-duplicate,
// translate into one plog.Logs and hand it to a no-op consumer.
func BenchmarkEmit(b *testing.B) {
	newestFirst := benchEvents(1000)
	size := 0
	for _, e := range newestFirst {
		size += len(e.Record)
	}
	for _, mode := range []translate.BodyMode{translate.BodyRaw, translate.BodyMap, translate.BodyNone} {
		b.Run("slice1000/"+mode.String(), func(b *testing.B) {
			ctx := context.Background()
			set := Settings{Region: "us-east-1", EventSource: lfm, MaxEventDelay: 15 * time.Minute}
			set.Translate.Body = mode
			s := NewStream(set, Deps{Next: consumertest.NewNop(), Store: nopStore{}})
			if err := s.load(ctx); err != nil {
				b.Fatal(err)
			}
			sl := slice{start: newestFirst[len(newestFirst)-1].Time, end: newestFirst[0].Time}
			events := make([]cloudtrail.Event, len(newestFirst))
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				copy(events, newestFirst)
				clear(s.state.Seen)
				if err := s.emit(ctx, events, sl); err != nil {
					b.Fatal(err)
				}
			}
			if len(s.state.Seen) != len(newestFirst) {
				b.Fatalf("%d events seen", len(s.state.Seen))
			}
			b.ReportMetric(float64(b.N*len(newestFirst))/b.Elapsed().Seconds(), "events/s")
		})
	}
}
