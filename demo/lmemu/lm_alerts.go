// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"encoding/json"
	"maps"
)

type alertInput struct {
	AlertArn                  *string
	AlertName                 *string
	AlertSensitivityThreshold *int
	AlertDescription          *string
	AnomalyDetectorArn        *string
	Action                    json.RawMessage
	Tags                      map[string]string
	AlertFilters              json.RawMessage
	MaxResults                *int
	NextToken                 *string
}

type alertDescription struct {
	Action                    json.RawMessage
	AlertDescription          string `json:",omitempty"`
	AlertArn                  string
	AnomalyDetectorArn        string
	AlertName                 string
	AlertSensitivityThreshold int
	AlertType                 string
	AlertStatus               string
	LastModificationTime      float64
	CreationTime              float64
	AlertFilters              json.RawMessage `json:",omitempty"`
}

type alertSummary struct {
	AlertArn                  string
	AnomalyDetectorArn        string
	AlertName                 string
	AlertSensitivityThreshold int
	AlertType                 string
	AlertStatus               string
	LastModificationTime      float64
	CreationTime              float64
	Tags                      map[string]string `json:",omitempty"`
}

func (st *lmRegion) createAlert(c *lmCall) (any, *apiError) {
	var in alertInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	name, e := checkName("AlertName", in.AlertName)
	if e != nil {
		return nil, e
	}
	detArn, e := checkARN("AnomalyDetectorArn", in.AnomalyDetectorArn)
	if e != nil {
		return nil, e
	}
	alertType, e := checkAction(in.Action, true)
	if e != nil {
		return nil, e
	}
	if e := firstError(checkAlertOptions(&in), checkTags(in.Tags)); e != nil {
		return nil, e
	}
	if _, e := st.detector(detArn); e != nil {
		return nil, e
	}
	arn := st.alertARN(name)
	if _, ok := st.alerts[arn]; ok {
		return nil, conflict("Alert", arn, "An alert named "+name+" already exists.")
	}
	a := &lmAlert{arn: arn, detectorArn: detArn, name: name, alertType: alertType, status: "ACTIVE",
		created: c.now, tags: maps.Clone(in.Tags)}
	a.apply(&in, c)
	st.alerts[arn] = a
	return map[string]string{"AlertArn": arn}, nil
}

func checkAlertOptions(in *alertInput) *apiError {
	return firstError(checkRange("AlertSensitivityThreshold", in.AlertSensitivityThreshold, 0, 100),
		checkDescription("AlertDescription", in.AlertDescription))
}

// checkAction validates an alert's Action and returns its AlertType.
func checkAction(raw json.RawMessage, needed bool) (string, *apiError) {
	if len(raw) == 0 {
		if needed {
			return "", required("Action")
		}
		return "", nil
	}
	var action struct {
		SNSConfiguration    *struct{ RoleArn, SnsTopicArn *string }
		LambdaConfiguration *struct{ RoleArn, LambdaArn *string }
	}
	if err := json.Unmarshal(raw, &action); err != nil {
		return "", cannotParse(err)
	}
	switch {
	case action.SNSConfiguration != nil && action.LambdaConfiguration == nil:
		_, e := checkARN("SnsTopicArn", action.SNSConfiguration.SnsTopicArn)
		return "SNS", e
	case action.LambdaConfiguration != nil && action.SNSConfiguration == nil:
		_, e := checkARN("LambdaArn", action.LambdaConfiguration.LambdaArn)
		return "LAMBDA", e
	}
	return "", invalid("Action must have exactly one of SNSConfiguration and LambdaConfiguration.")
}

// apply sets the alert's configurable members that in carries.
func (a *lmAlert) apply(in *alertInput, c *lmCall) {
	if len(in.Action) > 0 {
		a.action = in.Action
	}
	if len(in.AlertFilters) > 0 {
		a.filters = in.AlertFilters
	}
	if in.AlertDescription != nil {
		a.description = *in.AlertDescription
	}
	if in.AlertSensitivityThreshold != nil {
		a.threshold = *in.AlertSensitivityThreshold
	}
	a.modified = c.now
}

// alertCall decodes a call naming an existing alert by AlertArn.
func (st *lmRegion) alertCall(c *lmCall) (*alertInput, *lmAlert, *apiError) {
	var in alertInput
	if e := decode(c, &in); e != nil {
		return nil, nil, e
	}
	arn, e := checkARN("AlertArn", in.AlertArn)
	if e != nil {
		return nil, nil, e
	}
	a, e := st.alert(arn)
	return &in, a, e
}

func (st *lmRegion) describeAlert(c *lmCall) (any, *apiError) {
	_, a, e := st.alertCall(c)
	if e != nil {
		return nil, e
	}
	return map[string]any{"Alert": alertDescription{Action: a.action, AlertDescription: a.description,
		AlertArn: a.arn, AnomalyDetectorArn: a.detectorArn, AlertName: a.name,
		AlertSensitivityThreshold: a.threshold, AlertType: a.alertType, AlertStatus: a.status,
		LastModificationTime: epoch(a.modified), CreationTime: epoch(a.created), AlertFilters: a.filters}}, nil
}

func (st *lmRegion) updateAlert(c *lmCall) (any, *apiError) {
	in, a, e := st.alertCall(c)
	if e != nil {
		return nil, e
	}
	alertType, e := checkAction(in.Action, false)
	if e != nil {
		return nil, e
	}
	if e := checkAlertOptions(in); e != nil {
		return nil, e
	}
	if alertType != "" {
		a.alertType = alertType
	}
	a.apply(in, c)
	return map[string]string{"AlertArn": a.arn}, nil
}

func (st *lmRegion) deleteAlert(c *lmCall) (any, *apiError) {
	_, a, e := st.alertCall(c)
	if e != nil {
		return nil, e
	}
	delete(st.alerts, a.arn)
	return struct{}{}, nil
}

func (st *lmRegion) listAlerts(c *lmCall) (any, *apiError) {
	var in alertInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	if in.AnomalyDetectorArn != nil {
		if _, e := st.detector(*in.AnomalyDetectorArn); e != nil {
			return nil, e
		}
	}
	var all []*lmAlert
	for _, a := range sortedValues(st.alerts) {
		if in.AnomalyDetectorArn == nil || a.detectorArn == *in.AnomalyDetectorArn {
			all = append(all, a)
		}
	}
	items, next, e := page(all, in.MaxResults, in.NextToken)
	if e != nil {
		return nil, e
	}
	list := make([]alertSummary, len(items))
	for i, a := range items {
		list[i] = alertSummary{AlertArn: a.arn, AnomalyDetectorArn: a.detectorArn, AlertName: a.name,
			AlertSensitivityThreshold: a.threshold, AlertType: a.alertType, AlertStatus: a.status,
			LastModificationTime: epoch(a.modified), CreationTime: epoch(a.created), Tags: maps.Clone(a.tags)}
	}
	return listOutput("AlertSummaryList", list, next), nil
}
