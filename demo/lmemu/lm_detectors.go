// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"maps"
)

type detectorConfig struct {
	AnomalyDetectorFrequency *string
}

type detectorInput struct {
	AnomalyDetectorArn         *string
	AnomalyDetectorName        *string
	AnomalyDetectorDescription *string
	AnomalyDetectorConfig      *detectorConfig
	KmsKeyArn                  *string
	Tags                       map[string]string
	MaxResults                 *int
	NextToken                  *string
}

type detectorSummary struct {
	AnomalyDetectorArn         string
	AnomalyDetectorName        string
	AnomalyDetectorDescription string `json:",omitempty"`
	CreationTime               float64
	LastModificationTime       float64
	Status                     string
	Tags                       map[string]string `json:",omitempty"`
}

type detectorDescription struct {
	AnomalyDetectorArn         string
	AnomalyDetectorName        string
	AnomalyDetectorDescription string `json:",omitempty"`
	AnomalyDetectorConfig      map[string]string
	CreationTime               float64
	LastModificationTime       float64
	Status                     string
	KmsKeyArn                  string `json:",omitempty"`
}

// detectorCall decodes a call naming an existing detector by AnomalyDetectorArn.
func (st *lmRegion) detectorCall(c *lmCall) (*detectorInput, *lmDetector, *apiError) {
	var in detectorInput
	if e := decode(c, &in); e != nil {
		return nil, nil, e
	}
	arn, e := checkARN("AnomalyDetectorArn", in.AnomalyDetectorArn)
	if e != nil {
		return nil, nil, e
	}
	d, e := st.detector(arn)
	return &in, d, e
}

func (st *lmRegion) createDetector(c *lmCall) (any, *apiError) {
	var in detectorInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	name, e := checkName("AnomalyDetectorName", in.AnomalyDetectorName)
	if e != nil {
		return nil, e
	}
	if in.AnomalyDetectorConfig == nil || in.AnomalyDetectorConfig.AnomalyDetectorFrequency == nil {
		return nil, required("AnomalyDetectorConfig")
	}
	if e := firstError(checkFrequency("AnomalyDetectorFrequency", in.AnomalyDetectorConfig.AnomalyDetectorFrequency),
		checkDescription("AnomalyDetectorDescription", in.AnomalyDetectorDescription), checkTags(in.Tags)); e != nil {
		return nil, e
	}
	arn := st.detectorARN(name)
	if _, ok := st.detectors[arn]; ok {
		return nil, conflict("AnomalyDetector", arn, "An anomaly detector named "+name+" already exists.")
	}
	st.detectors[arn] = &lmDetector{arn: arn, name: name, description: deref(in.AnomalyDetectorDescription),
		frequency: *in.AnomalyDetectorConfig.AnomalyDetectorFrequency, kmsKeyArn: deref(in.KmsKeyArn),
		created: c.now, modified: c.now, status: statusInactive, tags: maps.Clone(in.Tags)}
	return map[string]string{"AnomalyDetectorArn": arn}, nil
}

func (st *lmRegion) describeDetector(c *lmCall) (any, *apiError) {
	_, d, e := st.detectorCall(c)
	if e != nil {
		return nil, e
	}
	return detectorDescription{AnomalyDetectorArn: d.arn, AnomalyDetectorName: d.name,
		AnomalyDetectorDescription: d.description,
		AnomalyDetectorConfig:      map[string]string{"AnomalyDetectorFrequency": d.frequency},
		CreationTime:               epoch(d.created), LastModificationTime: epoch(d.modified),
		Status: d.statusAt(c.now), KmsKeyArn: d.kmsKeyArn}, nil
}

func (st *lmRegion) updateDetector(c *lmCall) (any, *apiError) {
	in, d, e := st.detectorCall(c)
	if e != nil {
		return nil, e
	}
	if e := checkDescription("AnomalyDetectorDescription", in.AnomalyDetectorDescription); e != nil {
		return nil, e
	}
	if cfg := in.AnomalyDetectorConfig; cfg != nil && cfg.AnomalyDetectorFrequency != nil {
		if e := checkFrequency("AnomalyDetectorFrequency", cfg.AnomalyDetectorFrequency); e != nil {
			return nil, e
		}
		if d.active(c.now) && *cfg.AnomalyDetectorFrequency != d.frequency {
			return nil, invalid("After activation, you can only change a detector's description.")
		}
		d.frequency = *cfg.AnomalyDetectorFrequency
	}
	if in.AnomalyDetectorDescription != nil {
		d.description = *in.AnomalyDetectorDescription
	}
	if in.KmsKeyArn != nil {
		d.kmsKeyArn = *in.KmsKeyArn
	}
	d.modified = c.now
	return map[string]string{"AnomalyDetectorArn": d.arn}, nil
}

func (st *lmRegion) deleteDetector(c *lmCall) (any, *apiError) {
	_, d, e := st.detectorCall(c)
	if e != nil {
		return nil, e
	}
	if s := d.statusAt(c.now); s == statusActivating || s == statusBackTestRunning {
		return nil, conflict("AnomalyDetector", d.arn, "The anomaly detector is "+s+"; try again later.")
	}
	delete(st.detectors, d.arn)
	for arn, m := range st.metricSets {
		if m.detectorArn == d.arn {
			delete(st.metricSets, arn)
		}
	}
	for arn, a := range st.alerts {
		if a.detectorArn == d.arn {
			delete(st.alerts, arn)
		}
	}
	return struct{}{}, nil
}

func (st *lmRegion) listDetectors(c *lmCall) (any, *apiError) {
	var in detectorInput
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	items, next, e := page(sortedValues(st.detectors), in.MaxResults, in.NextToken)
	if e != nil {
		return nil, e
	}
	list := make([]detectorSummary, len(items))
	for i, d := range items {
		list[i] = detectorSummary{AnomalyDetectorArn: d.arn, AnomalyDetectorName: d.name,
			AnomalyDetectorDescription: d.description, CreationTime: epoch(d.created),
			LastModificationTime: epoch(d.modified), Status: d.statusAt(c.now), Tags: maps.Clone(d.tags)}
	}
	return listOutput("AnomalyDetectorSummaryList", list, next), nil
}

func (st *lmRegion) activateDetector(c *lmCall) (any, *apiError) {
	_, d, e := st.detectorCall(c)
	if e != nil {
		return nil, e
	}
	if d.active(c.now) {
		return nil, conflict("AnomalyDetector", d.arn, "The anomaly detector is already "+d.statusAt(c.now)+".")
	}
	if e := st.startRun(d, c, statusActivating, statusActive); e != nil {
		return nil, e
	}
	return struct{}{}, nil
}

func (st *lmRegion) backTestDetector(c *lmCall) (any, *apiError) {
	_, d, e := st.detectorCall(c)
	if e != nil {
		return nil, e
	}
	if d.active(c.now) {
		return nil, invalid("Cannot back test the anomaly detector while it is " + d.statusAt(c.now) + ".")
	}
	if e := st.startRun(d, c, statusBackTestRunning, statusBackTestDone); e != nil {
		return nil, e
	}
	return struct{}{}, nil
}

// startRun starts an activation or a back test: the detector needs a metric set, and
// finds its anomaly groups.
func (st *lmRegion) startRun(d *lmDetector, c *lmCall, status, settled string) *apiError {
	m := st.metricSetOf(d.arn)
	if m == nil {
		return invalid("The anomaly detector " + d.arn + " has no metric set.")
	}
	d.transition(c.now, status, settled)
	if d.activatedAt.IsZero() {
		d.activatedAt = c.now
		d.groups = makeGroups(d, m, c.now)
	}
	return nil
}

func (st *lmRegion) deactivateDetector(c *lmCall) (any, *apiError) {
	_, d, e := st.detectorCall(c)
	if e != nil {
		return nil, e
	}
	if !d.active(c.now) {
		return nil, conflict("AnomalyDetector", d.arn, "The anomaly detector is "+d.statusAt(c.now)+", not active.")
	}
	d.status, d.pending, d.modified = statusDeactivated, "", c.now
	return struct{}{}, nil
}

func firstError(errs ...*apiError) *apiError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
