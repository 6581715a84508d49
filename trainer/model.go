package trainer

import (
	"fmt"
	"strings"
)

// Model is the Word2Vec architecture to train.
type Model int

const (
	// SkipGram predicts each context word from the centre word (gensim sg=1).
	SkipGram Model = iota
	// CBOW predicts the centre word from the mean of its context (gensim
	// sg=0, cbow_mean=1).
	CBOW
)

// ParseModel reads a model name: "sg" or "skipgram" for SkipGram, "cbow"
// for CBOW, in any case.
func ParseModel(s string) (Model, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sg", "skipgram", "skip-gram":
		return SkipGram, nil
	case "cbow":
		return CBOW, nil
	}
	return 0, fmt.Errorf("trainer: unknown model %q: want sg (skip-gram) or cbow", s)
}

// String returns "SG" or "CBOW", the names used in the released JSON keys.
func (m Model) String() string {
	switch m {
	case SkipGram:
		return "SG"
	case CBOW:
		return "CBOW"
	}
	return fmt.Sprintf("Model(%d)", int(m))
}
