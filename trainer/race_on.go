//go:build race

package trainer

// raceEnabled reports a build with the race detector (see shared.direct).
const raceEnabled = true
