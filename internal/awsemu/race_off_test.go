//go:build !race

package awsemu

const raceEnabled = false
