package med2vec

import "errors"

var (
	// ErrBadConfig marks every problem Config.Validate reports.
	ErrBadConfig = errors.New("invalid configuration")
	// ErrBadExport reports an unknown export name.
	ErrBadExport = errors.New("unknown export")
	// ErrEmptyCorpus reports a corpus without visits or with an empty
	// vocabulary: there is nothing to train on.
	ErrEmptyCorpus = errors.New("med2vec: empty corpus")
	// ErrBadCorpus reports a corpus whose offsets or token ids are
	// inconsistent.
	ErrBadCorpus = errors.New("med2vec: inconsistent corpus")
	// ErrDiverged reports a NaN or infinite loss or weight.
	ErrDiverged = errors.New("med2vec: training diverged")
)
