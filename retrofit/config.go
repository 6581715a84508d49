package retrofit

import (
	"errors"
	"fmt"
	"math"
)

// Config sets the retrofitting objective's weights and how long to iterate.
type Config struct {
	// Iterations is the number of updates of every node.
	Iterations int
	// Alpha weighs a node's distance to its own trained vector (α_i).
	Alpha float64
	// Beta weighs the distances to the neighbours; each edge of node i
	// gets Beta/degree(i) (β_ij).
	Beta float64
}

// DefaultConfig returns Faruqui et al.'s setting: 10 iterations ("about 10
// iterations" converge in their experiments), Alpha 1 and Beta 1 (β_ij =
// 1/degree(i)), so a trained node moves halfway toward its neighbours' mean.
func DefaultConfig() Config { return Config{Iterations: 10, Alpha: 1, Beta: 1} }

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.Iterations < 1 {
		errs = append(errs, fmt.Errorf("retrofit: Iterations = %d; need at least 1 (10 is Faruqui et al.'s)", c.Iterations))
	}
	if !(c.Alpha > 0) || math.IsInf(c.Alpha, 0) {
		errs = append(errs, fmt.Errorf("retrofit: Alpha = %v; need a finite number above 0 (1 is the default)", c.Alpha))
	}
	if !(c.Beta > 0) || math.IsInf(c.Beta, 0) {
		errs = append(errs, fmt.Errorf("retrofit: Beta = %v; need a finite number above 0 (1 is the default)", c.Beta))
	}
	return errors.Join(errs...)
}
