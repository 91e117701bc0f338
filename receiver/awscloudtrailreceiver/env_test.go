// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package awscloudtrailreceiver

import "os"

// Tests talk to loopback only: fixed fake credentials, no EC2 instance metadata look-up
// by the SDK's default credential chain, and STS on loopback.
func init() {
	for k, v := range map[string]string{
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ACCESS_KEY_ID":           "AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY":       "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		// The receiver asks STS for its account: never AWS's. Nothing listens on the discard
		// port; tests that need STS point this at their own.
		"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9",
	} {
		_ = os.Setenv(k, v)
	}
}
