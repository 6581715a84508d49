package main

import (
	"flag"
	"path/filepath"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/release"
	"github.com/hiervec/hiervec/retrofit"
	"github.com/hiervec/hiervec/trainer"
)

// coverageFlags are the flags of a coverage export (train, retrofit).
type coverageFlags struct {
	list, table, levels string
}

func (c *coverageFlags) register(fs *flag.FlagSet, withLevels bool) {
	fs.StringVar(&c.list, "coverage", "", "write a vector for every code of a list: map (the CCSR map's codes) or a code list file (CMS's icd10cm_codes or order file, or one code per line); codes without a vector of their own that may be written get one from the hierarchy, and a table says where each comes from")
	fs.StringVar(&c.table, "coverage-table", "", "the coverage table (CSV: code, patients, tokens, source, own_rows; default: beside -out, NAME.coverage.csv, or coverage.csv in a projector folder)")
	if withLevels {
		fs.StringVar(&c.levels, "coverage-levels", "", "hierarchy levels that give codes without a vector of their own one (retrofitting's neighbour means over them), comma-separated as -levels (default: -levels when given, else ccsr,icd3 with -ccsr, else icd3)")
	}
}

// check validates the flags against the map's presence.
func (c *coverageFlags) check(haveMap bool) error {
	if c.list == "" {
		if c.table != "" || c.levels != "" {
			return usagef("-coverage-table and -coverage-levels need -coverage")
		}
		return nil
	}
	if c.list == "map" && !haveMap {
		return usagef("-coverage map needs -ccsr")
	}
	if c.levels != "" {
		l, err := hierarchy.ParseLevels(c.levels)
		if err != nil {
			return usagef("-coverage-levels: %v", err)
		}
		if l.NeedsMap() && !haveMap {
			return usagef("-coverage-levels %s needs -ccsr", l)
		}
	}
	return nil
}

// fillLevels returns the levels that fill codes without a vector.
func (c *coverageFlags) fillLevels(trainLevels hierarchy.Levels, haveMap bool) hierarchy.Levels {
	if c.levels != "" {
		l, _ := hierarchy.ParseLevels(c.levels) // checked
		return l
	}
	if trainLevels != 0 {
		return trainLevels
	}
	if haveMap {
		return hierarchy.NewLevels(hierarchy.LevelCCSR, hierarchy.LevelICD3)
	}
	return hierarchy.NewLevels(hierarchy.LevelICD3)
}

// tablePath returns the coverage table's path for output out in format f.
func (c *coverageFlags) tablePath(out string, f export.Format) string {
	if c.table != "" {
		return c.table
	}
	if f == export.Projector {
		dir := out
		if strings.EqualFold(filepath.Ext(out), ".tsv") {
			dir = filepath.Dir(out)
		}
		return filepath.Join(dir, "coverage.csv")
	}
	return strings.TrimSuffix(out, filepath.Ext(out)) + ".coverage.csv"
}

// codeList reads the codes of -coverage (or -codes-from): the map's codes
// or the billable codes of a code list or order file, normalised.
func codeList(spec string, m *hierarchy.Map) ([]string, error) {
	if spec == "map" {
		return m.Codes(), nil
	}
	sys, err := hierarchy.ReadCodeSystemFile(spec)
	if err != nil {
		return nil, err
	}
	return sys.Billable(), nil
}

// inferFill returns a release.Fill that gives a listed code the vector
// retrofitting's neighbour means give it over a's graph, with the rows of
// space (the vectors that may be written) held fixed (retrofit.Infer).
func inferFill(space *embedding.Set, a *hierarchy.Ancestry, list []string) (release.Fill, retrofit.Report, error) {
	var codes []string
	for i, t := range space.Tokens {
		if space.Kinds[i] == corpus.KindCode {
			codes = append(codes, t)
		}
	}
	res, err := retrofit.Infer([]*embedding.Set{space}, retrofit.NewGraph(a, codes, list), retrofit.DefaultConfig())
	if err != nil {
		return nil, retrofit.Report{}, err
	}
	out := res.Sets[0]
	inferred := make(map[string]int)
	for r, src := range res.Sources[0] {
		if src == retrofit.SourceInferred {
			inferred[out.Tokens[r]] = r
		}
	}
	fill := func(code string) ([]float32, release.Source, bool) {
		r, ok := inferred[code]
		if !ok {
			return nil, 0, false
		}
		return out.Vector(r), release.SourceRetrofitted, true
	}
	return fill, res.Report, nil
}

// composeFill gives a listed code the vector of a composed run's
// ancestors alone: those of its ancestors with a trained row whose own
// patients pass the small-cell rule (as train -compose writes a rare
// code).
type composeFill struct {
	res          *trainer.Composed
	tab          *hierarchy.Composition
	unitPatients []int64
}

func (c *composeFill) fill(minPatients int) release.Fill {
	var units []int32
	return func(code string) ([]float32, release.Source, bool) {
		units = units[:0]
		for _, u := range c.tab.Of(code, nil) {
			if minPatients <= 1 || c.unitPatients[u] >= int64(minPatients) {
				units = append(units, u)
			}
		}
		v := make([]float32, c.res.Set.Dim)
		if !c.res.Compose(v, -1, units) {
			return nil, 0, false
		}
		return v, release.SourceComposed, true
	}
}
