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
//
// The advice points at the model's default learning rate (DefaultConfig),
// which is known to train, rather than at a tenth of a value that may be
// absurd; when the rate already is at or below the default, it suggests a
// tenth of it.
func divergedError(cfg Config, epoch int, what string) error {
	try := DefaultConfig(cfg.Model).Alpha
	if cfg.Alpha <= try {
		try = cfg.Alpha / 10
	}
	return fmt.Errorf("%w in epoch %d of %d: %s; lower the learning rate (Alpha, -alpha, now %g; try %g), "+
		"or the dimension (-dim, now %d) or window (-window, now %d) that scale the step",
		ErrDiverged, epoch, cfg.Epochs, what, cfg.Alpha, try, cfg.Dim, cfg.Window)
}
