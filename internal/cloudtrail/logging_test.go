// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package cloudtrail_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/smithy-go/logging"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"
	ct "github.com/otelcol-cloudtrail/awscloudtrail/internal/cloudtrail"
)

const everyLogMode = aws.LogSigning | aws.LogRetries | aws.LogRequest | aws.LogRequestWithBody |
	aws.LogResponse | aws.LogResponseWithBody | aws.LogDeprecatedUsage |
	aws.LogRequestEventMessage | aws.LogResponseEventMessage

// sdkLog is an SDK logger that keeps what it is given.
type sdkLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *sdkLog) Logf(_ logging.Classification, format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, format+"\n", v...)
}

func (l *sdkLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Even when the config asks for every SDK log (signing, requests and responses with
// bodies, retries), the client NewSDKClient builds logs nothing.
func TestSDKClientNeverLogsRequests(t *testing.T) {
	emu := newEmulator(t, 3)
	logs := &sdkLog{}
	cfg := testConfig(func(cfg *aws.Config) {
		cfg.ClientLogMode, cfg.Logger, cfg.RetryMaxAttempts = everyLogMode, logs, 2
	})
	api, closeIdle := ct.NewSDKClient(cfg, ct.SDKOptions{Endpoint: emu.url})
	t.Cleanup(closeIdle)
	assert.Zero(t, api.Options().ClientLogMode)
	client := ct.NewClient(api)

	_, err := client.Lookup(context.Background(), lastHour(), "")
	require.NoError(t, err)
	emu.srv.SetFaults(awsemu.Faults{ThrottleStorm: true})
	_, err = client.Lookup(context.Background(), lastHour(), "") // one retry, then fails
	require.Error(t, err)

	sigs := emu.signatures()
	require.Len(t, sigs, 3)
	requireNoSecret(t, logs.String()+err.Error(), sigs)
	assert.Empty(t, logs.String())
}

// The control: the same config on a plain SDK client logs the session token and the
// signature, so the test above would see a leak.
func TestPlainSDKClientWouldLogSecrets(t *testing.T) {
	emu := newEmulator(t, 1)
	logs := &sdkLog{}
	cfg := testConfig(func(cfg *aws.Config) { cfg.ClientLogMode, cfg.Logger = everyLogMode, logs })
	api := cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) {
		o.BaseEndpoint = aws.String(emu.url)
		o.HTTPClient = awsemu.NewHTTPClient()
	})
	q := lastHour()
	_, err := api.LookupEvents(context.Background(), &cloudtrail.LookupEventsInput{StartTime: &q.Start, EndTime: &q.End})
	require.NoError(t, err)
	assert.Contains(t, logs.String(), testToken)
	assert.Contains(t, logs.String(), emu.signatures()[0])
}
