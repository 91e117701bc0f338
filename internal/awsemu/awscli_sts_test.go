// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// STS and Organizations checked with a client nobody here wrote: Debian's AWS CLI
// (apt-get install awscli), or $AWSEMU_AWSCLI. This file stands alone: it shares no
// helper with the other AWS CLI tests.

// orgCLI runs one AWS CLI against the emulator with a clean environment.
type orgCLI struct {
	path string
	home string
}

func findOrgCLI(t *testing.T) *orgCLI {
	t.Helper()
	candidates := []string{"/usr/bin/aws", os.Getenv("AWSEMU_AWSCLI")}
	if p, err := exec.LookPath("aws"); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		c := &orgCLI{path: p, home: t.TempDir()}
		if _, _, err := c.exec(nil, "--version"); err == nil {
			return c
		}
	}
	t.Skip("awscli not installed: apt-get install awscli")
	return nil
}

// exec runs the CLI with the access key of env (AWS_ACCESS_KEY_ID etc.) and nothing
// else of the host: no profile, pager, IMDS or CA bundle.
func (c *orgCLI) exec(env []string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.Command(c.path, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.home, "LANG=C.UTF-8",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=", "PYENV_ROOT=" + pyenvRoot()}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.Bytes(), errb.Bytes(), err
}

func pyenvRoot() string {
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		return root
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".pyenv")
}

func keyEnv(akid, secret, token string) []string {
	env := []string{"AWS_ACCESS_KEY_ID=" + akid, "AWS_SECRET_ACCESS_KEY=" + secret}
	if token != "" {
		env = append(env, "AWS_SESSION_TOKEN="+token)
	}
	return env
}

// json runs a command against url and decodes its JSON output.
func (c *orgCLI) json(t *testing.T, url string, env []string, out any, args ...string) {
	t.Helper()
	args = append(args, "--endpoint-url", url, "--region", "us-east-1", "--output", "json")
	stdout, stderr, err := c.exec(env, args...)
	require.NoError(t, err, "aws %s: %s", strings.Join(args, " "), stderr)
	require.NoError(t, json.Unmarshal(stdout, out), string(stdout))
}

type cliIdentity struct {
	UserID  string `json:"UserId"`
	Account string
	Arn     string
}

func TestAWSCLISTSAndOrganizations(t *testing.T) {
	cli := findOrgCLI(t)
	h := newHarness(t, Options{Roles: ReaderRoles("reader", "ext-0123", acctA),
		Organization: []OrgAccount{{ID: acctA, Name: "prod"}, {ID: acctB, State: AccountSuspended}}})
	h.clock.Advance(time.Now().Truncate(time.Second).Sub(t0)) // the CLI checks expirations against its own clock
	now := h.clock.Now()
	evA := h.seed(3, now.Add(-time.Hour), func(_ int, s *RecordSpec) { s.Account = acctA })
	h.seed(2, now.Add(-time.Hour), nil)
	base := keyEnv("AKIACLIBASE000000001", "not-checked", "")

	var id cliIdentity
	cli.json(t, h.url, base, &id, "sts", "get-caller-identity")
	assert.Equal(t, DefaultAccountID, id.Account)
	assert.Equal(t, "arn:aws:iam::123456789012:user/user-akiaclibase000000001", id.Arn)

	var assumed struct {
		Credentials struct {
			AccessKeyID     string `json:"AccessKeyId"`
			SecretAccessKey string
			SessionToken    string
			Expiration      string
		}
		AssumedRoleUser struct {
			Arn           string
			AssumedRoleID string `json:"AssumedRoleId"`
		}
	}
	cli.json(t, h.url, base, &assumed, "sts", "assume-role", "--role-arn", "arn:aws:iam::"+acctA+":role/reader",
		"--role-session-name", "cli", "--external-id", "ext-0123")
	assert.Equal(t, "arn:aws:sts::"+acctA+":assumed-role/reader/cli", assumed.AssumedRoleUser.Arn)
	assert.Regexp(t, `^ASIA[A-Z2-7]{16}$`, assumed.Credentials.AccessKeyID)
	exp, err := time.Parse(time.RFC3339, assumed.Credentials.Expiration)
	require.NoError(t, err, assumed.Credentials.Expiration)
	assert.True(t, now.Add(time.Hour).Equal(exp), "%s", exp)

	role := keyEnv(assumed.Credentials.AccessKeyID, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken)
	cli.json(t, h.url, role, &id, "sts", "get-caller-identity")
	assert.Equal(t, acctA, id.Account)
	assert.Equal(t, assumed.AssumedRoleUser.Arn, id.Arn)
	var events struct {
		Events []struct {
			EventID string `json:"EventId"`
		}
	}
	cli.json(t, h.url, role, &events, "cloudtrail", "lookup-events")
	got := make([]string, len(events.Events))
	for i, e := range events.Events {
		got[i] = e.EventID
	}
	assert.Equal(t, newestFirstIDs(evA), got, "the role's keys read the role's account")

	_, stderr, err := cli.exec(base, "sts", "assume-role", "--role-arn", "arn:aws:iam::"+acctA+":role/reader",
		"--role-session-name", "cli", "--external-id", "wrong-id", "--endpoint-url", h.url, "--region", "us-east-1")
	require.Error(t, err)
	assert.Contains(t, string(stderr), "An error occurred (AccessDenied) when calling the AssumeRole operation: User: "+
		"arn:aws:iam::123456789012:user/user-akiaclibase000000001 is not authorized to perform: sts:AssumeRole")

	h.srv.ResetRequests()
	var list struct {
		Accounts []struct {
			ID, Name, Status, Arn string
		}
	}
	cli.json(t, h.url, base, &list, "organizations", "list-accounts", "--page-size", "2")
	require.Len(t, list.Accounts, 3)
	assert.Equal(t, acctA, list.Accounts[0].ID)
	assert.Equal(t, "prod", list.Accounts[0].Name)
	assert.Equal(t, "ACTIVE", list.Accounts[0].Status)
	assert.Equal(t, DefaultAccountID, list.Accounts[1].ID, "sorted by ID")
	assert.Equal(t, acctB, list.Accounts[2].ID)
	assert.Equal(t, "SUSPENDED", list.Accounts[2].Status)
	assert.Len(t, h.srv.Requests(), 2, "the CLI followed NextToken")

	_, stderr, err = cli.exec(role, "organizations", "list-accounts", "--endpoint-url", h.url, "--region", "us-east-1")
	require.Error(t, err)
	assert.Contains(t, string(stderr), "(AccessDeniedException) when calling the ListAccounts operation")
}
