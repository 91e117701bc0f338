//go:build race

package lmemu

// raceEnabled reports whether the race detector is on: it makes the million-event
// test take minutes.
const raceEnabled = true
