package trainer

import (
	"errors"
	"fmt"
)

var (
	// ErrDiverged reports that training produced NaN or Inf (in the loss or
	// in the weights), almost always because the learning rate is too high
	// for the data. The wrapping error says which setting to change.
	ErrDiverged = errors.New("trainer: training diverged")

	// ErrEmptyCorpus reports a corpus with no tokens or an empty vocabulary:
	// there is nothing to train on.
	ErrEmptyCorpus = errors.New("trainer: empty corpus")
)

// divergedError says what went wrong and which setting to change.
func divergedError(cfg Config, epoch int, what string) error {
	return fmt.Errorf("%w in epoch %d of %d: %s; lower the learning rate (Alpha, -alpha, now %g; try %g), "+
		"or the dimension (-dim, now %d) or window (-window, now %d) that scale the step",
		ErrDiverged, epoch, cfg.Epochs, what, cfg.Alpha, cfg.Alpha/10, cfg.Dim, cfg.Window)
}
