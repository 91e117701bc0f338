// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/sqsinput/sqstest"
	"github.com/otelcol-cloudtrail/awscloudtrail/receiver/awscloudtrailreceiver/internal/metadatatest"
)

// refusingOnce refuses its first batch for now, then accepts.
type refusingOnce struct{ calls atomic.Int32 }

func (*refusingOnce) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }
func (c *refusingOnce) ConsumeLogs(context.Context, plog.Logs) error {
	if c.calls.Add(1) == 1 {
		return errors.New("queue is full")
	}
	return nil
}

// The SQS input at Debug level goes through a delivered file, a file that is gone, a
// corrupt file, a refused batch and messages of no kind: no log line holds the secret
// key, the session token, the access key ID or a SigV4 signature.
func TestNoCredentialInAnySQSLogLine(t *testing.T) {
	setFakeCredentials(t)
	queue, s3 := sqstest.NewServer(), newObjectServer(t)
	t.Cleanup(queue.Close)
	key := func(name string) string { return strings.Replace(sqsTrailKey, "Ab3d", name, 1) }
	s3.objects["trail/"+key("good")] = gzipped(t, `{"Records":[`+lmRecord("e1")+`,`+lmRecord("e2")+`]}`)
	s3.objects["trail/"+key("corrupt")] = []byte(`{"Records":[` + lmRecord("e3") + `,{"x":`)
	for _, name := range []string{"good", "gone", "corrupt"} {
		queue.Send(fmt.Sprintf(`{"s3Bucket":"trail","s3ObjectKey":[%q]}`, key(name)))
	}
	queue.Send("not json")
	queue.Send(`{"Service":"Amazon S3","Event":"s3:TestEvent"}`)

	logs := &logBuffer{}
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	set := metadatatest.NewSettings(tel)
	set.Logger = logs.logger()
	cfg := createDefaultConfig().(*Config)
	cfg.LookupEvents = false
	cfg.SQS.QueueURL, cfg.SQS.Region = queue.QueueURL(), "us-east-1"
	cfg.SQS.Endpoint, cfg.SQS.S3Endpoint = queue.URL, s3.URL
	cfg.SQS.WaitTime, cfg.SQS.VisibilityTimeout = time.Second, time.Second
	require.NoError(t, cfg.Validate())
	r, err := newReceiver(set, cfg, &refusingOnce{})
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), newTestHost()))
	// good (refused once, then delivered), gone, and the two of no kind are deleted; the
	// corrupt one keeps coming back.
	require.Eventually(t, func() bool { return len(queue.Deleted()) == 4 }, 30*time.Second, 10*time.Millisecond,
		"deleted: %v", queue.Deleted())
	require.NoError(t, r.Shutdown(context.Background()))

	log := logs.String()
	assert.Contains(t, log, `"L":"DEBUG"`, "the Debug level was on")
	assert.Contains(t, log, "queue is full", "the refusal was logged")
	assert.Contains(t, log, "is gone", "the vanished file was logged")
	for _, secret := range []string{fakeSecret, fakeToken, fakeAccessKey, "Signature=", "Credential="} {
		assert.NotContains(t, log, secret)
	}
}
