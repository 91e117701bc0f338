package translate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// largeRecord returns a RunInstances-like record whose requestParameters is
// about size bytes: an items array plus a policy document held as a string.
func largeRecord(tb testing.TB, size int) []byte {
	base, err := os.ReadFile(filepath.Join("testdata", "write_call.ndjson"))
	require.NoError(tb, err)
	var rec map[string]any
	require.NoError(tb, json.Unmarshal(base, &rec))
	var items []any
	policy := strings.Repeat(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},`, 20)
	params := map[string]any{"policyDocument": policy, "instancesSet": map[string]any{"items": &items}}
	for i := 0; ; i++ {
		items = append(items, map[string]any{
			"instanceId": fmt.Sprintf("i-%017x", i), "imageId": "ami-0abcdef1234567890",
			"minCount": 1, "maxCount": 10, "ebsOptimized": i%2 == 0, "cpuRatio": 0.5,
			"tagSpecificationSet": []any{map[string]any{"key": "team", "value": fmt.Sprintf("team-%d", i)}},
		})
		if b, _ := json.Marshal(params); len(b) >= size {
			break
		}
	}
	rec["requestParameters"] = params
	out, err := json.Marshal(rec)
	require.NoError(tb, err)
	return out
}

func benchmarkAdd(b *testing.B, rec []byte, mode BodyMode) {
	batch := NewBatch(Options{Body: mode})
	observed := time.Now()
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := batch.Add(rec, time.Time{}, observed); err != nil {
			b.Fatal(err)
		}
		if i%100 == 99 {
			batch.Logs()
		}
	}
}

func BenchmarkAdd50KB(b *testing.B) {
	rec := largeRecord(b, 50<<10)
	for _, mode := range []BodyMode{BodyRaw, BodyMap, BodyNone} {
		b.Run(mode.String(), func(b *testing.B) { benchmarkAdd(b, rec, mode) })
	}
}

func BenchmarkAddTypical(b *testing.B) {
	rec, err := os.ReadFile(filepath.Join("testdata", "write_call.ndjson"))
	require.NoError(b, err)
	for _, mode := range []BodyMode{BodyRaw, BodyMap, BodyNone} {
		b.Run(mode.String(), func(b *testing.B) { benchmarkAdd(b, rec, mode) })
	}
}

// BenchmarkStdlibDecode50KB is the yardstick: encoding/json into map[string]any.
func BenchmarkStdlibDecode50KB(b *testing.B) {
	rec := largeRecord(b, 50<<10)
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		if err := json.Unmarshal(rec, &m); err != nil {
			b.Fatal(err)
		}
	}
}
