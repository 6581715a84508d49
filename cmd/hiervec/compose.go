package main

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
	"github.com/hiervec/hiervec/trainer"
)

// train -compose: ancestor composition (trainer.TrainComposed), its table
// from the hierarchy (hierarchy.NewComposition), and the small-cell rule
// for composed vectors.

// composeTable builds the composition table of c's vocabulary at levels.
func composeTable(c *corpus.Corpus, m *hierarchy.Map, policy hierarchy.Policy, levels hierarchy.Levels, op trainer.ComposeOp, icdOrder string) (*hierarchy.Composition, *trainer.Composition, error) {
	a, err := ancestry(m, policy, levels, icdOrder, vocabCodes(c))
	if err != nil {
		return nil, nil, err
	}
	tab := hierarchy.NewComposition(c.Vocab, a)
	return tab, &trainer.Composition{Op: op, Units: tab.Units, Kinds: tab.Kinds, Start: tab.Start, Rows: tab.Rows}, nil
}

// writeComposedSources writes where each written row of sets comes from:
// token, kind, set, and source trained (the run's vector) or composed (its
// ancestors' rows alone).
//
// A written code under the small-cell threshold (rare) can only come from
// -coverage, composed from its ancestors' rows.
func writeComposedSources(path string, sets []*embedding.Set, rare func(code string) bool) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"token", "kind", "set", "source"})
	for _, s := range sets {
		for r, tok := range s.Tokens {
			src := "trained"
			if s.Kinds[r] == corpus.KindCode && rare(tok) {
				src = "composed"
			}
			if s.Kinds[r] == corpus.KindCode {
				tok = hierarchy.Dotted(tok)
			}
			w.Write([]string{tok, s.Kinds[r].String(), s.Name, src})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("train: %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b.Bytes())
}

// composeFlags checks -compose, -compose-op and -sources and returns the
// levels (0: off) and the operator.
func composeFlags(f *trainFlags, set map[string]bool, sharedNegatives bool) (hierarchy.Levels, trainer.ComposeOp, error) {
	levels, err := hierarchy.ParseLevels(f.compose)
	if err != nil {
		return 0, 0, usagef("-compose: %v", err)
	}
	op, err := trainer.ParseComposeOp(f.composeOp)
	if err != nil {
		return 0, 0, usagef("-compose-op %q: want mean or sum", f.composeOp)
	}
	switch {
	case levels == 0 && (set["compose"] || set["compose-op"] || set["sources"]):
		return 0, 0, usagef("-compose-op and -sources need -compose LEVELS (for example -compose icd3,ccsr,chapter)")
	case levels == 0:
		return 0, op, nil
	case levels.NeedsMap() && f.ccsr == "":
		return 0, 0, usagef("-compose %s needs -ccsr", levels)
	case f.catsOnly:
		return 0, 0, usagef("-compose and -categories-only exclude each other (a category-only corpus has no codes to compose)")
	case sharedNegatives:
		return 0, 0, usagef("-compose and -shared-negatives exclude each other (composition trains on the per-pair path)")
	}
	return levels, op, nil
}

// writtenSets returns the sets a format writes: the released layout's
// named parts, or the whole set under the first part's name.
func writtenSets(format export.Format, whole *embedding.Set, parts []*embedding.Set) []*embedding.Set {
	if format == export.Released || len(parts) == 0 {
		return parts
	}
	s := *whole
	s.Name = parts[0].Name
	return []*embedding.Set{&s}
}
