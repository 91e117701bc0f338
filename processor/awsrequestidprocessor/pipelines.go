// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awsrequestidprocessor // import "github.com/otelcol-cloudtrail/awscloudtrail/processor/awsrequestidprocessor"

import (
	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"
)

// warnAboutPipelines warns, once per component ID, when the ID is in pipelines of one
// signal only: its index then gets no span or stamps no record. component.Host tells a
// component nothing about pipelines; the factory knows every processor it created, and
// the collector creates all of them before it starts any.
func warnAboutPipelines(logger *zap.Logger, id component.ID, p pipelinePeers) {
	if !p.first || (p.traces > 0 && p.logs > 0) {
		return
	}
	if p.logs > 0 {
		logger.Warn("This awsrequestid processor is in a logs pipeline, but its component ID is in no traces pipeline: "+
			"no span is indexed for it, so it stamps no log record. Name the same component ID in the traces "+
			"pipeline that receives the spans (one ID in both pipelines shares one index).",
			zap.Stringer("component_id", id), zap.Stringers("ids_in_traces_pipelines_only", p.tracesOnly))
		return
	}
	logger.Warn("This awsrequestid processor is in a traces pipeline, but its component ID is in no logs pipeline: "+
		"the spans it indexes stamp no log record. Name the same component ID in the logs pipeline of the "+
		"records (one ID in both pipelines shares one index).",
		zap.Stringer("component_id", id), zap.Stringers("ids_in_logs_pipelines_only", p.logsOnly))
}
