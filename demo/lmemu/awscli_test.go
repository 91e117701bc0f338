// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otelcol-cloudtrail/awscloudtrail/internal/awsemu"

	"github.com/aws/aws-sdk-go-v2/aws"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The emulator's fidelity, checked with a client nobody here wrote: the AWS CLI.

const cliKey = "AKIAAWSCLITEST000001"

// awsCLI is an AWS CLI to run: $AWSEMU_AWSCLI, else Debian's /usr/bin/aws, else aws on
// PATH, the first whose --version works.
type awsCLI struct {
	path, version string
	env           []string
}

func findAWSCLI(t *testing.T) *awsCLI {
	t.Helper()
	candidates := []string{os.Getenv("AWSEMU_AWSCLI"), "/usr/bin/aws"}
	if p, err := exec.LookPath("aws"); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		cli := &awsCLI{path: p, env: cliEnv(t)}
		if out, err := cli.cmd("--version").Output(); err == nil {
			cli.version = strings.TrimSpace(string(out))
			return cli
		}
	}
	t.Skip("awscli not installed: apt-get install awscli")
	return nil
}

// cliEnv is a clean environment: fake credentials, no profile, no pager, no IMDS.
func cliEnv(t *testing.T) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8",
		"AWS_ACCESS_KEY_ID=" + cliKey, "AWS_SECRET_ACCESS_KEY=not-checked", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER="}
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		env = append(env, "PYENV_ROOT="+root) // a pyenv shim needs it once HOME moves
	} else if home, err := os.UserHomeDir(); err == nil {
		env = append(env, "PYENV_ROOT="+filepath.Join(home, ".pyenv"))
	}
	return env
}

func (c *awsCLI) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(c.path, args...)
	cmd.Env = c.env
	return cmd
}

// run runs the CLI against the emulator and decodes its JSON output into out.
func (c *awsCLI) run(t *testing.T, url string, out any, args ...string) error {
	t.Helper()
	args = append(args, "--endpoint-url", url, "--region", "us-east-1", "--output", "json")
	cmd := c.cmd(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("aws %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	require.NoError(t, json.Unmarshal(stdout, out), string(stdout))
	return nil
}

// cliTime is a timestamp as the CLI prints it: ISO 8601 (awscli 2) or epoch seconds
// (awscli 1's default).
type cliTime struct{ time.Time }

func (c *cliTime) UnmarshalJSON(b []byte) error {
	var sec float64
	if err := json.Unmarshal(b, &sec); err == nil {
		c.Time = time.UnixMilli(int64(sec * 1000))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339, s)
	c.Time = t
	return err
}

type cliEvents struct {
	Events []struct {
		EventID         string `json:"EventId"`
		EventName       string
		ReadOnly        string
		AccessKeyID     string `json:"AccessKeyId"`
		EventTime       cliTime
		EventSource     string
		Username        string
		CloudTrailEvent string
		Resources       []awsemu.Resource
	}
	NextToken string
}

func TestAWSCLIFidelity(t *testing.T) {
	cli := findAWSCLI(t)
	t.Log(cli.path, cli.version)
	srv := New(awsemu.Options{RequestsPerSecond: -1, DeliveryDelay: func() time.Duration { return 0 }})
	url, err := srv.Start("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	now := time.Now().UTC().Truncate(time.Second)
	var evs []awsemu.Event // oldest first
	for i := range 120 {
		evs = append(evs, awsemu.NewRecord(awsemu.RecordSpec{EventSource: awsemu.LookoutMetricsEventSource, ReadOnly: i%3 != 0,
			EventName: []string{"CreateAlert", "ListAlerts", "DescribeAlert"}[i%3], Username: "alice",
			EventTime: now.Add(-time.Duration(120-i) * time.Minute), EventVersion: "1.08",
			Resources: []awsemu.Resource{{ResourceType: "AWS::LookoutMetrics::Alert", ResourceName: fmt.Sprintf("arn:aws:lookoutmetrics:us-east-1:%s:Alert:a%d", awsemu.DefaultAccountID, i)}}}))
		srv.Store().Add(awsemu.NewRecord(awsemu.RecordSpec{EventTime: evs[i].EventTime})) // EC2 noise, filtered out
	}
	srv.Store().Add(evs...)

	t.Run("lookup-events", func(t *testing.T) { cliLookupAll(t, cli, url, evs) })
	t.Run("time range", func(t *testing.T) { cliTimeRange(t, cli, url, evs) })
	t.Run("pagination", func(t *testing.T) { cliPagination(t, cli, url, evs) })
	t.Run("list-anomaly-detectors", func(t *testing.T) { cliListDetectors(t, cli, srv, url) })
}

var sourceFilter = []string{"--lookup-attributes", "AttributeKey=EventSource,AttributeValue=" + awsemu.LookoutMetricsEventSource}

func cliLookupAll(t *testing.T, cli *awsCLI, url string, evs []awsemu.Event) {
	var out cliEvents
	require.NoError(t, cli.run(t, url, &out, append([]string{"cloudtrail", "lookup-events",
		"--max-items", "200", "--page-size", "50"}, sourceFilter...)...))
	require.Len(t, out.Events, 120, "all events, once")
	assert.Empty(t, out.NextToken)
	for i, got := range out.Events {
		want := evs[len(evs)-1-i] // newest first
		assert.Equal(t, want.EventID, got.EventID)
		assert.Equal(t, want.EventName, got.EventName)
		assert.Equal(t, fmt.Sprint(want.ReadOnly), got.ReadOnly)
		assert.Equal(t, awsemu.LookoutMetricsEventSource, got.EventSource)
		assert.Equal(t, "alice", got.Username)
		assert.Equal(t, want.AccessKeyID, got.AccessKeyID)
		assert.Equal(t, want.Resources, got.Resources)
		assert.True(t, want.EventTime.Equal(got.EventTime.Time), "%s != %s", got.EventTime, want.EventTime)
		assert.JSONEq(t, want.CloudTrailEvent, got.CloudTrailEvent)
	}
}

func cliTimeRange(t *testing.T, cli *awsCLI, url string, evs []awsemu.Event) {
	var out cliEvents
	require.NoError(t, cli.run(t, url, &out, append([]string{"cloudtrail", "lookup-events",
		"--start-time", evs[10].EventTime.Format(time.RFC3339), "--end-time", evs[39].EventTime.Format(time.RFC3339)},
		sourceFilter...)...))
	require.Len(t, out.Events, 30, "both ends are inclusive")
	assert.Equal(t, evs[39].EventID, out.Events[0].EventID)
	assert.Equal(t, evs[10].EventID, out.Events[29].EventID)
}

func cliPagination(t *testing.T, cli *awsCLI, url string, evs []awsemu.Event) {
	var ids []string
	token, pages := "", 0
	for {
		args := append([]string{"cloudtrail", "lookup-events", "--max-items", "30"}, sourceFilter...)
		if token != "" {
			args = append(args, "--starting-token", token)
		}
		var out cliEvents
		require.NoError(t, cli.run(t, url, &out, args...))
		pages++
		for _, e := range out.Events {
			ids = append(ids, e.EventID)
		}
		if token = out.NextToken; token == "" || pages > 10 {
			break
		}
	}
	assert.Equal(t, 4, pages)
	assert.Equal(t, newestFirstIDs(evs), ids, "every event once, newest first, across --starting-token pages")
}

func cliListDetectors(t *testing.T, cli *awsCLI, srv *awsemu.Server, url string) {
	c := lm.New(lm.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), HTTPClient: awsemu.NewHTTPClient(),
		Credentials: (&harness{url: url}).lm(aliceKey).Options().Credentials})
	for _, name := range []string{"revenue", "signups", "latency"} {
		createDetector(t, c, name)
	}
	var out struct {
		AnomalyDetectorSummaryList []struct {
			AnomalyDetectorArn, AnomalyDetectorName, Status string
			CreationTime                                    cliTime
		}
	}
	err := cli.run(t, url, &out, "lookoutmetrics", "list-anomaly-detectors")
	if err != nil && strings.Contains(err.Error(), "Invalid choice") {
		t.Skipf("%s has no lookoutmetrics command (its botocore dropped the retired service); "+
			"Debian's awscli has it: apt-get install awscli", cli.version)
	}
	require.NoError(t, err)
	var names []string
	for _, d := range out.AnomalyDetectorSummaryList {
		names = append(names, d.AnomalyDetectorName)
		assert.Equal(t, "arn:aws:lookoutmetrics:us-east-1:"+awsemu.DefaultAccountID+":AnomalyDetector:"+d.AnomalyDetectorName,
			d.AnomalyDetectorArn)
		assert.Equal(t, "INACTIVE", d.Status)
		assert.WithinDuration(t, time.Now(), d.CreationTime.Time, time.Minute)
	}
	assert.Equal(t, []string{"latency", "revenue", "signups"}, names)

	var recorded bool
	for _, ev := range srv.Store().All() {
		if ev.EventName == "ListAnomalyDetectors" && ev.AccessKeyID == cliKey {
			recorded = true
			assert.True(t, ev.ReadOnly)
			assert.Contains(t, ev.CloudTrailEvent, `"userAgent":"aws-cli/`)
		}
	}
	assert.True(t, recorded, "the CLI's call is in CloudTrail")
}
