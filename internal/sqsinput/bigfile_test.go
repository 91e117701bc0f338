// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package sqsinput

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/poll"
)

// A trail file of SQS_BIG_FILE_MB megabytes uncompressed (1024 for the 1 GB check; off by
// default, it takes a minute) streams with the process's peak RSS (VmHWM) at most 100 MB:
// records are read one at a time, never the file. The file is generated as it is read.
func TestBigTrailFileBoundedMemory(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("SQS_BIG_FILE_MB"))
	if mb <= 0 {
		t.Skip("set SQS_BIG_FILE_MB (1024 for the 1 GB check)")
	}
	pr, pw := io.Pipe()
	var written int64
	go func() {
		w := bufio.NewWriterSize(pw, 64<<10)
		pad := strings.Repeat("x", 700)
		_, _ = w.WriteString(`{"Records":[`)
		for i := 0; written < int64(mb)<<20; i++ {
			if i > 0 {
				_ = w.WriteByte(',')
			}
			n, _ := fmt.Fprintf(w, `{"eventVersion":"1.11","eventTime":"2026-12-01T12:00:00Z","eventSource":"s3.amazonaws.com",`+
				`"eventName":"GetObject","awsRegion":"us-east-1","eventID":"%08x-0000-4000-8000-000000000000","readOnly":true,`+
				`"eventType":"AwsApiCall","recipientAccountId":"123456789012","requestParameters":{"key":"%s"}}`, i, pad)
			written += int64(n) + 1
		}
		_, _ = w.WriteString("]}")
		_ = pw.CloseWithError(w.Flush())
	}()
	set := defaultSettings()
	set.Filter = NewFilter([]string{"*"}, nil, poll.ReadOnlyAll)
	counting := countingConsumer{n: new(int)}
	in := New(set, Deps{Next: counting})
	require.NoError(t, in.stream(context.Background(), pr))
	hwm := vmHWM(t)
	t.Logf("streamed %d MB, %d records; peak RSS (VmHWM) %d MB", written>>20, *counting.n, hwm>>20)
	assert.LessOrEqual(t, hwm, int64(100)<<20)
}

type countingConsumer struct{ n *int }

func (countingConsumer) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (c countingConsumer) ConsumeLogs(_ context.Context, ld plog.Logs) error {
	*c.n += ld.LogRecordCount()
	return nil
}

func vmHWM(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
