//go:build !race

package evaluate

// raceEnabled reports a test build with the race detector, under which
// sync.Pool drops items at random and allocation counts mean nothing.
const raceEnabled = false
