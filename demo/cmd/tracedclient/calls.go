// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	lm "github.com/aws/aws-sdk-go-v2/service/lookoutmetrics"
	"github.com/aws/aws-sdk-go-v2/service/lookoutmetrics/types"
)

// step is one Lookout for Metrics call.
type step struct {
	op  string
	run func(ctx context.Context, c *lm.Client) error
}

// sequence is a detector's life, over and over: list, create, describe, update, list
// its metric sets, describe one that does not exist (a failed call, which CloudTrail
// records too), delete.
type sequence struct {
	prefix   string
	cycle    int
	detector string // the ARN of the current cycle's detector
	pending  []step
}

func (s *sequence) next() step {
	if len(s.pending) == 0 {
		s.cycle++
		s.detector = ""
		s.pending = s.cycleSteps(fmt.Sprintf("%s-%d", s.prefix, s.cycle))
	}
	st := s.pending[0]
	s.pending = s.pending[1:]
	return st
}

func (s *sequence) cycleSteps(name string) []step {
	return []step{
		{"ListAnomalyDetectors", func(ctx context.Context, c *lm.Client) error {
			_, err := c.ListAnomalyDetectors(ctx, &lm.ListAnomalyDetectorsInput{})
			return err
		}},
		{"CreateAnomalyDetector", func(ctx context.Context, c *lm.Client) error {
			out, err := c.CreateAnomalyDetector(ctx, &lm.CreateAnomalyDetectorInput{
				AnomalyDetectorName:        aws.String(name),
				AnomalyDetectorDescription: aws.String("Hourly revenue anomalies"),
				AnomalyDetectorConfig:      &types.AnomalyDetectorConfig{AnomalyDetectorFrequency: types.FrequencyPt1h},
			})
			if err == nil {
				s.detector = aws.ToString(out.AnomalyDetectorArn)
			}
			return err
		}},
		{"DescribeAnomalyDetector", func(ctx context.Context, c *lm.Client) error {
			_, err := c.DescribeAnomalyDetector(ctx, &lm.DescribeAnomalyDetectorInput{AnomalyDetectorArn: aws.String(s.detector)})
			return err
		}},
		{"UpdateAnomalyDetector", func(ctx context.Context, c *lm.Client) error {
			_, err := c.UpdateAnomalyDetector(ctx, &lm.UpdateAnomalyDetectorInput{AnomalyDetectorArn: aws.String(s.detector),
				AnomalyDetectorDescription: aws.String("Hourly revenue anomalies, reviewed weekly")})
			return err
		}},
		{"ListMetricSets", func(ctx context.Context, c *lm.Client) error {
			_, err := c.ListMetricSets(ctx, &lm.ListMetricSetsInput{AnomalyDetectorArn: aws.String(s.detector)})
			return err
		}},
		{"DescribeAnomalyDetector", func(ctx context.Context, c *lm.Client) error {
			missing := strings.Replace(s.detector, name, name+"-deleted", 1)
			_, err := c.DescribeAnomalyDetector(ctx, &lm.DescribeAnomalyDetectorInput{AnomalyDetectorArn: aws.String(missing)})
			return err
		}},
		{"DeleteAnomalyDetector", func(ctx context.Context, c *lm.Client) error {
			_, err := c.DeleteAnomalyDetector(ctx, &lm.DeleteAnomalyDetectorInput{AnomalyDetectorArn: aws.String(s.detector)})
			return err
		}},
	}
}
