//go:build !race

package lmemu

const raceEnabled = false
