package trainer

import "errors"

var (
	// ErrDiverged reports that training produced NaN or Inf (in the loss or
	// in the weights), almost always because the learning rate is too high
	// for the data. The wrapping error says which setting to change.
	ErrDiverged = errors.New("trainer: training diverged")

	// ErrEmptyCorpus reports a corpus with no tokens or an empty vocabulary:
	// there is nothing to train on.
	ErrEmptyCorpus = errors.New("trainer: empty corpus")
)
