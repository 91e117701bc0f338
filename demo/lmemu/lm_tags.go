// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"maps"
)

// tagsOf returns the tags of the detector, metric set or alert with the ARN.
func (st *lmRegion) tagsOf(arn string) (*map[string]string, *apiError) {
	if _, e := checkARN("ResourceArn", &arn); e != nil {
		return nil, e
	}
	if d, ok := st.detectors[arn]; ok {
		return &d.tags, nil
	}
	if m, ok := st.metricSets[arn]; ok {
		return &m.tags, nil
	}
	if a, ok := st.alerts[arn]; ok {
		return &a.tags, nil
	}
	return nil, notFound("Resource", arn)
}

func (st *lmRegion) listTags(c *lmCall) (any, *apiError) {
	tags, e := st.tagsOf(c.resourceARN)
	if e != nil {
		return nil, e
	}
	out := maps.Clone(*tags)
	if out == nil {
		out = map[string]string{}
	}
	return map[string]any{"Tags": out}, nil
}

func (st *lmRegion) tagResource(c *lmCall) (any, *apiError) {
	var in struct{ Tags map[string]string }
	if e := decode(c, &in); e != nil {
		return nil, e
	}
	if len(in.Tags) == 0 {
		return nil, required("Tags")
	}
	tags, e := st.tagsOf(c.resourceARN)
	if e != nil {
		return nil, e
	}
	merged := maps.Clone(*tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, in.Tags)
	if e := checkTags(merged); e != nil {
		return nil, e
	}
	*tags = merged
	return struct{}{}, nil
}

func (st *lmRegion) untagResource(c *lmCall) (any, *apiError) {
	if len(c.tagKeys) == 0 {
		return nil, required("TagKeys")
	}
	tags, e := st.tagsOf(c.resourceARN)
	if e != nil {
		return nil, e
	}
	kept := maps.Clone(*tags)
	for _, k := range c.tagKeys {
		delete(kept, k)
	}
	*tags = kept
	return struct{}{}, nil
}
