package benchmarks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
	"github.com/hiervec/hiervec/synth"
	"github.com/hiervec/hiervec/trainer"
)

// Files of the work directory.
const (
	extractFile   = "extract.csv"
	ccsrFile      = "ccsr.csv"
	outcomesFile  = "outcomes.csv"
	sequencesFile = "sequences.txt"
	stampFile     = "corpus.json"
)

// CorpusInfo describes the corpus every tool trained on.
type CorpusInfo struct {
	Patients      int     `json:"patients"`
	Seed          uint64  `json:"seed"`
	PatientYears  int     `json:"patient_years"`  // sequences: lines of the sequence file
	Tokens        int64   `json:"tokens"`         // code tokens of one epoch
	Vocabulary    int     `json:"vocabulary"`     // distinct codes
	Labelled      int     `json:"labelled_codes"` // codes with a CCSR category (the quality is computed on them)
	Categories    int     `json:"categories"`     // categories in the map
	Window        int     `json:"window"`
	PairsPerEpoch float64 `json:"pairs_per_epoch"` // ExpectedPairs at Window
	Sequences     string  `json:"sequences_file"`  // the file every tool trained on
	Reused        bool    `json:"reused"`          // the corpus came from an earlier run
	// ChanceNMI and ChanceAMI score random vectors for the same codes
	// (chanceQuality): the floor of the quality columns. Set with Quality.
	ChanceNMI float64 `json:"chance_nmi200,omitempty"`
	ChanceAMI float64 `json:"chance_ami200,omitempty"`

	words []string // the codes, for chanceQuality
}

// stamp records what a work directory's corpus was generated from, so a later
// run with the same Patients and Seed reuses it.
type stamp struct {
	Patients      int    `json:"patients"`
	Seed          uint64 `json:"seed"`
	ExtractBytes  int64  `json:"extract_bytes"`
	SequenceBytes int64  `json:"sequence_bytes"`
}

// prepare makes sure WorkDir holds the synthetic extract, its CCSR map and
// the codes-only sequence file for cfg, generating them unless an earlier
// run left them for the same Patients and Seed, and returns the corpus
// figures and the map.
func prepare(ctx context.Context, cfg Config, log func(string)) (*CorpusInfo, *hierarchy.Map, error) {
	if err := os.MkdirAll(cfg.WorkDir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("benchmarks: work directory: %w", err)
	}
	p := func(name string) string { return filepath.Join(cfg.WorkDir, name) }
	info := &CorpusInfo{Patients: cfg.Patients, Seed: cfg.Seed, Window: cfg.Word2Vec.Window, Sequences: p(sequencesFile)}

	var c *corpus.Corpus
	if reusable(cfg, p) {
		log(fmt.Sprintf("reusing the corpus in %s (%d patients, seed %d)", cfg.WorkDir, cfg.Patients, cfg.Seed))
		var err error
		if c, _, err = corpus.ReadSequencesFile(p(sequencesFile)); err != nil {
			return nil, nil, fmt.Errorf("benchmarks: %w", err)
		}
		info.Reused = true
	} else {
		log(fmt.Sprintf("generating %d synthetic patients (seed %d) in %s", cfg.Patients, cfg.Seed, cfg.WorkDir))
		sc := synth.DefaultConfig()
		sc.Patients, sc.Seed = cfg.Patients, cfg.Seed
		if _, err := synth.WriteFilesContext(ctx, sc, p(extractFile), p(ccsrFile), p(outcomesFile)); err != nil {
			return nil, nil, fmt.Errorf("benchmarks: generating the corpus: %w", err)
		}
		var err error
		if c, _, err = corpus.ReadExtractFile(p(extractFile), corpus.DefaultReadOptions()); err != nil {
			return nil, nil, fmt.Errorf("benchmarks: %w", err)
		}
		if err := writeSequences(p(sequencesFile), c); err != nil {
			return nil, nil, err
		}
		if err := writeStamp(cfg, p); err != nil {
			return nil, nil, err
		}
	}
	m, err := hierarchy.ReadMapFile(p(ccsrFile))
	if err != nil {
		return nil, nil, fmt.Errorf("benchmarks: %w", err)
	}
	info.PatientYears = c.NumSeqs()
	info.Tokens = int64(c.Tokens.Len())
	info.Vocabulary = c.Vocab.Len()
	for _, w := range c.Vocab.Words {
		if _, ok := m.Category(w); ok {
			info.Labelled++
		}
	}
	info.Categories = m.NumCategories()
	info.PairsPerEpoch = trainer.ExpectedPairs(c, cfg.Word2Vec.Window)
	info.words = c.Vocab.Words
	return info, m, nil
}

// reusable tells whether the work directory holds a complete corpus written
// for cfg's Patients and Seed.
func reusable(cfg Config, p func(string) string) bool {
	b, err := os.ReadFile(p(stampFile))
	if err != nil {
		return false
	}
	var s stamp
	if json.Unmarshal(b, &s) != nil || s.Patients != cfg.Patients || s.Seed != cfg.Seed {
		return false
	}
	if _, err := os.Stat(p(ccsrFile)); err != nil {
		return false
	}
	return size(p(extractFile)) == s.ExtractBytes && size(p(sequencesFile)) == s.SequenceBytes
}

func size(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

func writeStamp(cfg Config, p func(string) string) error {
	s := stamp{Patients: cfg.Patients, Seed: cfg.Seed, ExtractBytes: size(p(extractFile)), SequenceBytes: size(p(sequencesFile))}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("benchmarks: %w", err)
	}
	if err := atomicfile.WriteFile(p(stampFile), append(b, '\n')); err != nil {
		return fmt.Errorf("benchmarks: %w", err)
	}
	return nil
}

// writeSequences writes c as a sequence file: one sequence (patient-year) per
// line, its tokens separated by single spaces. Every tool trains on it.
func writeSequences(path string, c *corpus.Corpus) error {
	if c.NumSeqs() == 0 {
		return errors.New("benchmarks: the corpus has no sequence")
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("benchmarks: %w", err)
	}
	defer f.Abort()
	words := c.Vocab.Words
	for s := 0; s < c.NumSeqs(); s++ {
		for i, t := range c.Seq(s).All() {
			if i > 0 {
				f.WriteString(" ")
			}
			f.WriteString(words[t])
		}
		f.WriteString("\n")
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("benchmarks: writing %s: %w", filepath.Base(path), err)
	}
	return nil
}
