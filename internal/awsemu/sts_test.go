// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stsClient returns an STS client of the harness for akid in region, retries off.
func (h *harness) stsClient(akid, region string, optFns ...func(*sts.Options)) *sts.Client {
	return sts.New(sts.Options{
		Region:           region,
		BaseEndpoint:     aws.String(h.url),
		Credentials:      credentials.NewStaticCredentialsProvider(akid, "secret", "token"),
		RetryMaxAttempts: 1,
		HTTPClient:       NewHTTPClient(),
	}, optFns...)
}

func TestGetCallerIdentityByAccessKey(t *testing.T) {
	h := newHarness(t, Options{Accounts: map[string]string{"AKIDOTHER": "222222222222"}})
	cases := []struct {
		akid, account, arn string
		userID             string // "" = an IAM-style unique ID with prefix AIDA or AROA
	}{
		{"AKIDUNKNOWN", DefaultAccountID, "arn:aws:iam::123456789012:user/user-akidunknown", ""},
		{"AKIDOTHER", "222222222222", "arn:aws:iam::222222222222:user/user-akidother", ""},
		{"AKIAALICE00000000001", DefaultAccountID, "arn:aws:iam::123456789012:user/alice", ""},
		{"AKIAROOT000000000005", DefaultAccountID, "arn:aws:iam::123456789012:root", DefaultAccountID},
		{"ASIADEPLOY0000000003", DefaultAccountID,
			"arn:aws:sts::123456789012:assumed-role/LookoutMetricsDeployer/ci-deploy", ""},
	}
	for _, tc := range cases {
		out, err := h.stsClient(tc.akid, "eu-west-1").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		require.NoError(t, err, tc.akid)
		assert.Equal(t, tc.account, aws.ToString(out.Account), tc.akid)
		assert.Equal(t, tc.arn, aws.ToString(out.Arn), tc.akid)
		switch {
		case tc.userID != "":
			assert.Equal(t, tc.userID, aws.ToString(out.UserId))
		case strings.Contains(tc.arn, ":assumed-role/"):
			assert.Regexp(t, `^AROA[A-Z0-9]{17}:ci-deploy$`, aws.ToString(out.UserId))
		default:
			assert.Regexp(t, `^AIDA[A-Z0-9]{17}$`, aws.ToString(out.UserId))
		}
	}
	recs := h.srv.Requests()
	require.Len(t, recs, len(cases))
	for i, rec := range recs {
		assert.Equal(t, "sts", rec.Service)
		assert.Equal(t, "GetCallerIdentity", rec.Operation)
		assert.Equal(t, cases[i].akid, rec.AccessKeyID)
		assert.Equal(t, cases[i].account, rec.Account)
		assert.Equal(t, "eu-west-1", rec.Region)
		assert.Equal(t, http.StatusOK, rec.Status)
		assert.Empty(t, rec.Target)
	}
}

// The SDK's standard per-service endpoint variable reaches the emulator's STS.
func TestSTSThroughEndpointEnvironment(t *testing.T) {
	h := newHarness(t, Options{Accounts: map[string]string{"AKIDENV": "333333333333"}})
	t.Setenv("AWS_ENDPOINT_URL_STS", h.url)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_CA_BUNDLE", "")
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("ap-south-1"),
		config.WithHTTPClient(NewHTTPClient()))
	require.NoError(t, err)
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "333333333333", aws.ToString(out.Account))
	assert.Equal(t, "ap-south-1", h.srv.Requests()[0].Region)
}

// rawForm sends a form-encoded POST and returns status, headers and body.
func rawForm(t *testing.T, base, auth string, form url.Values) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(body)
}

const stsAuth = "AWS4-HMAC-SHA256 Credential=AKIAROOT000000000005/20260301/us-east-1/sts/aws4_request, " +
	"SignedHeaders=host;x-amz-date, Signature=0000"

// The XML answer has AWS's element names, namespace and request ID.
func TestGetCallerIdentityXMLShape(t *testing.T) {
	h := newHarness(t, Options{})
	status, hdr, body := rawForm(t, h.url, stsAuth, url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "text/xml", hdr.Get("Content-Type"))
	want := `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
		`<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId>` +
		`<Account>123456789012</Account></GetCallerIdentityResult>` +
		`<ResponseMetadata><RequestId>` + hdr.Get("x-amzn-RequestId") + `</RequestId></ResponseMetadata>` +
		`</GetCallerIdentityResponse>`
	assert.Equal(t, want, body)
}

type xmlError struct {
	Error struct {
		Type, Code, Message string
	}
	RequestID string `xml:"RequestId"`
}

func TestSTSErrors(t *testing.T) {
	h := newHarness(t, Options{STSDisabledRegions: []string{"ap-east-1"}})
	status, hdr, body := rawForm(t, h.url, "", url.Values{"Action": {"GetCallerIdentity"}})
	assert.Equal(t, http.StatusForbidden, status)
	var e xmlError
	require.NoError(t, xml.Unmarshal([]byte(body), &e), body)
	assert.Equal(t, "Sender", e.Error.Type)
	assert.Equal(t, "MissingAuthenticationToken", e.Error.Code)
	assert.Equal(t, hdr.Get("x-amzn-RequestId"), e.RequestID)

	status, _, body = rawForm(t, h.url, stsAuth, url.Values{"Action": {"GetSessionPolicy"}})
	assert.Equal(t, http.StatusBadRequest, status)
	require.NoError(t, xml.Unmarshal([]byte(body), &e), body)
	assert.Equal(t, "InvalidAction", e.Error.Code)

	_, err := h.stsClient("AKIDX", "ap-east-1").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	requireAPIError(t, err, "RegionDisabledException")
	_, err = h.stsClient("AKIDX", "us-east-1").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err, "other regions answer")

	h.srv.SetFaults(Faults{ErrorRate: 1})
	_, err = h.stsClient("AKIDX", "us-east-1").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "StatusCode: 50", "injected server errors reach STS too")
}

// STS calls take nothing from the LookupEvents quota of the account-region.
func TestSTSOutsideLookupQuota(t *testing.T) {
	h := newHarness(t, Options{RequestsPerSecond: 1, Burst: 1})
	for range 3 {
		_, err := h.stsClient(testAKID, "us-east-1").GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		require.NoError(t, err)
	}
	_, err := lookup(t, h.client(testAKID), &cloudtrail.LookupEventsInput{})
	require.NoError(t, err)
}

// With Options.Fallback, form-encoded requests go to the fallback as before.
func TestSTSReplacedByFallback(t *testing.T) {
	var called atomic.Int32
	h := newHarness(t, Options{Fallback: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		called.Add(1)
		w.WriteHeader(http.StatusTeapot)
	})})
	status, _, _ := rawForm(t, h.url, stsAuth, url.Values{"Action": {"GetCallerIdentity"}})
	assert.Equal(t, http.StatusTeapot, status)
	assert.Equal(t, int32(1), called.Load())
}
