// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsemu

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoExtension serves POST /Echo: it answers 200, or 403 with X-Amzn-ErrorType for
// denied keys, and records every authenticated call as a CloudTrail event.
type echoExtension struct{ srv *Server }

func (e echoExtension) ServeAWS(w http.ResponseWriter, r *http.Request, rec *RequestRecord) bool {
	if r.URL.Path != "/Echo" {
		return false
	}
	rec.Operation = "Echo"
	if ae := rec.AuthError(); ae != nil {
		w.Header().Set("X-Amzn-ErrorType", ae.Code)
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"message":"`+ae.Message+`"}`)
		return true
	}
	spec := RecordSpec{Account: rec.Account, Region: rec.Region, RequestID: rec.RequestID,
		EventName: "Echo", EventSource: "echo.amazonaws.com", EventTime: rec.Time}
	e.srv.Principal(rec.AccessKeyID).Apply(&spec, rec.AccessKeyID)
	if e.srv.Denied(rec.AccessKeyID) {
		spec.ErrorCode = "AccessDenied"
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"message":"denied"}`)
	} else {
		_, _ = io.WriteString(w, `{}`)
	}
	e.srv.RecordCall(spec)
	return true
}

func TestExtensionServesRecordsAndIsLogged(t *testing.T) {
	h := newHarness(t, Options{Principals: map[string]Principal{"AKIDALICE": {Name: "alice"}},
		DeliveryDelay: func() time.Duration { return 3 * time.Minute }})
	h.srv.SetExtension(echoExtension{srv: h.srv})
	auth := func(akid string) string {
		return "AWS4-HMAC-SHA256 Credential=" + akid + "/20260301/eu-west-1/echo/aws4_request, SignedHeaders=host, Signature=00"
	}

	status, _, _ := rawPost(t, h.url, "/Echo", "", auth("AKIDALICE"), `{}`)
	assert.Equal(t, http.StatusOK, status)
	status, _, _ = rawPost(t, h.url, "/Echo", "", auth(DeniedAccessKeyID), `{}`)
	assert.Equal(t, http.StatusForbidden, status)
	status, _, out := rawPost(t, h.url, "/Other", "", auth("AKIDALICE"), `{}`)
	assert.Equal(t, http.StatusNotFound, status, "the extension declined: the generic 404")
	assert.Equal(t, "UnknownOperationException", out["__type"])

	recs := h.srv.Requests()
	require.Len(t, recs, 3)
	assert.Equal(t, []string{"Echo", "Echo", "POST /Other"}, []string{recs[0].Operation, recs[1].Operation, recs[2].Operation})
	assert.Equal(t, []int{200, 403, 404}, []int{recs[0].Status, recs[1].Status, recs[2].Status})
	assert.Equal(t, []string{"", "AccessDeniedException", "UnknownOperationException"},
		[]string{recs[0].ErrorCode, recs[1].ErrorCode, recs[2].ErrorCode})
	assert.Equal(t, "eu-west-1", recs[0].Region)

	evs := h.srv.Store().All()
	require.Len(t, evs, 2, "one CloudTrail event per served call")
	byKey := map[string]*Event{}
	for _, ev := range evs {
		assert.Equal(t, t0.Add(3*time.Minute), ev.VisibleAt, "visible after Options.DeliveryDelay")
		byKey[ev.AccessKeyID] = ev
	}
	assert.Equal(t, "alice", byKey["AKIDALICE"].Username)
	assert.Contains(t, byKey[DeniedAccessKeyID].CloudTrailEvent, `"errorCode":"AccessDenied"`)
}

func TestExtensionAnswersWaitForMinLatency(t *testing.T) {
	h := newHarness(t, Options{MinLatency: 150 * time.Millisecond})
	h.srv.SetExtension(echoExtension{srv: h.srv})
	started := time.Now()
	status, _, _ := rawPost(t, h.url, "/Echo", "", testAuth, `{}`)
	assert.Equal(t, http.StatusOK, status)
	assert.GreaterOrEqual(t, time.Since(started), 150*time.Millisecond)
}

func TestRunJobIsCountedAndCancelledByClose(t *testing.T) {
	srv := New(Options{})
	url, err := srv.Start("127.0.0.1:0")
	require.NoError(t, err)
	var ran atomic.Int32
	srv.RunJob(true, func(context.Context) { ran.Add(1) })
	assert.Equal(t, int32(1), ran.Load(), "with wait, the job has run on return")

	stopped := make(chan struct{})
	srv.RunJob(false, func(ctx context.Context) {
		<-ctx.Done()
		close(stopped)
	})
	var st AdminStats
	getJSON(t, url+AdminPrefix+"stats", &st)
	assert.Equal(t, 1, st.WorkloadsRunning)
	require.NoError(t, srv.Close())
	select {
	case <-stopped:
	default:
		t.Fatal("Close returned before the job ended")
	}
}

func TestHandleAdminAddsEndpoints(t *testing.T) {
	h := newHarness(t, Options{})
	h.srv.HandleAdmin(http.MethodPost, "ping", func(w http.ResponseWriter, _ *http.Request) {
		WriteJSON(w, http.StatusAccepted, map[string]bool{"pong": true})
	})
	status, out := send(t, http.MethodPost, h.url+AdminPrefix+"ping", "")
	assert.Equal(t, http.StatusAccepted, status)
	assert.Equal(t, true, out["pong"])
	status, _ = send(t, http.MethodGet, h.url+AdminPrefix+"ping", "")
	assert.Equal(t, http.StatusNotFound, status)
}
