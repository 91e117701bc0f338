// Copyright The awscloudtrail receiver authors
// SPDX-License-Identifier: Apache-2.0

package lmemu

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	lmNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9\-_]*$`)
	lmARNRE  = regexp.MustCompile(`^arn:([a-z\d-]+):.*:.*:.*:.+$`)
)

const (
	lmNamePattern   = `^[a-zA-Z0-9][a-zA-Z0-9\-_]*`
	lmDefaultMax    = 50
	lmMaxResultsCap = 100
)

var lmFrequencies = []string{"P1D", "PT1H", "PT10M", "PT5M"}

// validationError is a ValidationException about one field, worded like AWS's.
func validationError(field, constraint string, value any) *apiError {
	msg := fmt.Sprintf("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s",
		value, lowerFirst(field), constraint)
	return &apiError{Status: http.StatusBadRequest, Code: "ValidationException", Message: msg,
		Extra: map[string]any{"Reason": "FIELD_VALIDATION_FAILED",
			"Fields": []map[string]string{{"Name": field, "Message": constraint}}}}
}

// invalid is a ValidationException that is not about a field's syntax.
func invalid(msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "ValidationException", Message: msg,
		Extra: map[string]any{"Reason": "OTHER"}}
}

func cannotParse(err error) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "ValidationException",
		Message: "Could not parse the request: " + err.Error(), Extra: map[string]any{"Reason": "CANNOT_PARSE"}}
}

func notFound(resourceType, id string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "ResourceNotFoundException",
		Message: resourceType + " " + id + " does not exist.",
		Extra:   map[string]any{"ResourceId": id, "ResourceType": resourceType}}
}

func conflict(resourceType, id, msg string) *apiError {
	return &apiError{Status: http.StatusConflict, Code: "ConflictException", Message: msg,
		Extra: map[string]any{"ResourceId": id, "ResourceType": resourceType}}
}

func quotaExceeded(resourceType, id, msg string) *apiError {
	return &apiError{Status: http.StatusPaymentRequired, Code: "ServiceQuotaExceededException", Message: msg,
		Extra: map[string]any{"ResourceId": id, "ResourceType": resourceType,
			"QuotaCode": "L-" + strings.ToUpper(resourceType), "ServiceCode": "lookoutmetrics"}}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// decode parses the call's JSON body into v; an empty body is an empty object.
func decode(c *lmCall, v any) *apiError {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return cannotParse(err)
	}
	return nil
}

func required(field string) *apiError {
	return validationError(field, "Member must not be null", "null")
}

// checkName validates a required detector, metric set or alert name.
func checkName(field string, v *string) (string, *apiError) {
	switch {
	case v == nil:
		return "", required(field)
	case len(*v) < 1 || len(*v) > 63:
		return "", validationError(field, "Member must have length between 1 and 63", *v)
	case !lmNameRE.MatchString(*v):
		return "", validationError(field, "Member must satisfy regular expression pattern: "+lmNamePattern, *v)
	}
	return *v, nil
}

// checkARN validates a required ARN member.
func checkARN(field string, v *string) (string, *apiError) {
	switch {
	case v == nil:
		return "", required(field)
	case len(*v) > 256 || !lmARNRE.MatchString(*v):
		return "", validationError(field, `Member must satisfy regular expression pattern: arn:([a-z\d-]+):.*:.*:.*:.+`, *v)
	}
	return *v, nil
}

// checkRange validates an optional integer member.
func checkRange(field string, v *int, lo, hi int) *apiError {
	if v != nil && (*v < lo || *v > hi) {
		return validationError(field, fmt.Sprintf("Member must have value between %d and %d", lo, hi), *v)
	}
	return nil
}

// checkFrequency validates an optional Frequency member.
func checkFrequency(field string, v *string) *apiError {
	if v != nil && !slices.Contains(lmFrequencies, *v) {
		return validationError(field, "Member must satisfy enum value set: ["+strings.Join(lmFrequencies, ", ")+"]", *v)
	}
	return nil
}

// checkDescription validates an optional description member (1 to 256 characters).
func checkDescription(field string, v *string) *apiError {
	if v != nil && (len(*v) > 256 || strings.TrimSpace(*v) == "") {
		return validationError(field, "Member must have length between 1 and 256", *v)
	}
	return nil
}

func checkTags(tags map[string]string) *apiError {
	if len(tags) > 50 {
		return validationError("Tags", "Member must have at most 50 entries", len(tags))
	}
	for k, v := range tags {
		if len(k) < 1 || len(k) > 128 || len(v) > 256 || strings.HasPrefix(k, "aws:") {
			return validationError("Tags", "Tag keys must have length between 1 and 128, not start with aws:, "+
				"and values at most 256 characters", k)
		}
	}
	return nil
}

// page returns up to maxResults items from the offset in token, and the token of
// the next page when more remain.
func page[T any](items []T, maxResults *int, token *string) ([]T, *string, *apiError) {
	if e := checkRange("MaxResults", maxResults, 1, lmMaxResultsCap); e != nil {
		return nil, nil, e
	}
	limit, from := lmDefaultMax, 0
	if maxResults != nil {
		limit = *maxResults
	}
	if token != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*token)
		n, perr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || perr != nil || n < 0 || !strings.HasPrefix(string(raw), "offset:") {
			return nil, nil, invalid("Invalid NextToken: " + *token)
		}
		from = min(n, len(items))
	}
	to := min(from+limit, len(items))
	if to == len(items) {
		return items[from:to], nil, nil
	}
	next := base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(to)))
	return items[from:to], &next, nil
}

// listOutput is a list operation's output: the list, and NextToken when more remain.
func listOutput(key string, list any, next *string) map[string]any {
	out := map[string]any{key: list}
	if next != nil {
		out["NextToken"] = *next
	}
	return out
}
