// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package accounts

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// ProbeSessionName is the RoleSessionName of STSProbe's AssumeRole calls.
const ProbeSessionName = "otelcol-awscloudtrail-probe"

// AssumeRoler is the STS call STSProbe makes.
type AssumeRoler interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// STSProbe is a RoleProbe that tries sts:AssumeRole (15 minutes, credentials
// discarded): AccessDenied means no; any other error means it cannot tell.
func STSProbe(client AssumeRoler) RoleProbe {
	return func(ctx context.Context, roleARN, externalID string) (bool, error) {
		in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(ProbeSessionName),
			DurationSeconds: aws.Int32(900)}
		if externalID != "" {
			in.ExternalId = aws.String(externalID)
		}
		_, err := client.AssumeRole(ctx, in)
		var apiErr smithy.APIError
		switch {
		case err == nil:
			return true, nil
		case errors.As(err, &apiErr) && apiErr.ErrorCode() == "AccessDenied":
			return false, nil
		}
		return false, err
	}
}
