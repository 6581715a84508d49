package hierarchy

import (
	"fmt"
	"strings"

	"github.com/hiervec/hiervec/corpus"
)

// Level is one level of the hierarchy above a code: a CCSR category, its
// body system, an ICD-10-CM prefix node (3 to 6 characters) or the
// ICD-10-CM chapter.
type Level uint8

// The levels in their canonical order: the order in which a code's
// ancestor tokens follow it in a co-trained corpus (the paper's CCSR
// category first, right after the code as in Finch et al.'s CO; then its
// body system; then the code's own tree from the nearest node up).
const (
	LevelCCSR    Level = iota // "ccsr": the CCSR categories under the policy (corpus.KindCategory, "END002")
	LevelBody                 // "body": their CCSR body systems (corpus.KindBodySystem, "BS:END")
	LevelICD6                 // "icd6": the 6-character prefix node (corpus.KindPrefix, "S72001*")
	LevelICD5                 // "icd5": the 5-character prefix node ("E1164*")
	LevelICD4                 // "icd4": the 4-character prefix node ("E116*")
	LevelICD3                 // "icd3": the 3-character category ("E11*")
	LevelChapter              // "chapter": the ICD-10-CM chapter (corpus.KindChapter, "CH:04")
	numLevels
)

var levelNames = [numLevels]string{"ccsr", "body", "icd6", "icd5", "icd4", "icd3", "chapter"}

// String returns the level's name as ParseLevels accepts it.
func (l Level) String() string {
	if l < numLevels {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Kind returns the corpus kind of the level's tokens.
func (l Level) Kind() corpus.Kind {
	switch l {
	case LevelCCSR:
		return corpus.KindCategory
	case LevelBody:
		return corpus.KindBodySystem
	case LevelChapter:
		return corpus.KindChapter
	}
	return corpus.KindPrefix
}

// prefixLen returns the prefix length of an ICD-10-CM prefix level, 0 for
// the other levels.
func (l Level) prefixLen() int {
	if l >= LevelICD6 && l <= LevelICD3 {
		return 6 - int(l-LevelICD6)
	}
	return 0
}

// Levels is a set of levels.
type Levels uint16

// NewLevels returns the set of the given levels.
func NewLevels(ls ...Level) Levels {
	var s Levels
	for _, l := range ls {
		s |= 1 << l
	}
	return s
}

// Has reports whether l is in the set.
func (s Levels) Has(l Level) bool { return s&(1<<l) != 0 }

// List returns the set's levels in canonical order.
func (s Levels) List() []Level {
	var out []Level
	for l := range numLevels {
		if s.Has(l) {
			out = append(out, l)
		}
	}
	return out
}

// NeedsMap reports whether the set has a level that comes from a CCSR map
// (ccsr or body).
func (s Levels) NeedsMap() bool { return s.Has(LevelCCSR) || s.Has(LevelBody) }

// String returns the set's names in canonical order, comma-separated, as
// ParseLevels accepts them ("" for the empty set).
func (s Levels) String() string {
	names := make([]string, 0, numLevels)
	for _, l := range s.List() {
		names = append(names, l.String())
	}
	return strings.Join(names, ",")
}

// ParseLevels parses a comma-separated list of level names (case and white
// space ignored, order and repeats irrelevant: tokens always follow the
// canonical order): ccsr, body, icd3, icd4, icd5, icd6, chapter, and "icd"
// for all four ICD-10-CM prefix levels. "-levels ccsr" is Finch et al.'s
// CO; "-levels icd3,ccsr,chapter" adds the code's 3-character category and
// its chapter. An empty string gives the empty set.
func ParseLevels(s string) (Levels, error) {
	var set Levels
	for _, f := range strings.Split(s, ",") {
		name := strings.ToLower(strings.TrimSpace(f))
		if name == "" {
			continue
		}
		if name == "icd" {
			set |= NewLevels(LevelICD3, LevelICD4, LevelICD5, LevelICD6)
			continue
		}
		found := false
		for l, n := range levelNames {
			if n == name {
				set |= NewLevels(Level(l))
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("hierarchy: %w %q in %q: want a comma-separated list of %s, or icd (icd3 to icd6)", ErrUnknownLevel, f, s, strings.Join(levelNames[:], ", "))
		}
	}
	return set, nil
}
