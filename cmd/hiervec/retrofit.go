package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
	"github.com/hiervec/hiervec/release"
	"github.com/hiervec/hiervec/retrofit"
)

func init() {
	register(command{name: "retrofit", summary: "pull vectors toward their hierarchy neighbours (Faruqui et al.) and give codes without one a vector", run: runRetrofit})
}

// runRetrofit implements
//
//	hiervec retrofit -embeddings IN -ccsr MAP [-levels ccsr] [-codes-from map|FILE] [-coverage map|FILE [-input EXTRACT]] [-iterations 10] [-alpha 1] [-beta 1] -out OUT
func runRetrofit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("retrofit", stderr)
	var cov coverageFlags
	cov.register(fs, false)
	var in inputFlags
	in.register(fs)
	minPatients := minPatientsFlag(fs)
	def := retrofit.DefaultConfig()
	var (
		embPath    = fs.String("embeddings", "", "vectors to retrofit: released JSON (every set; a co-trained code set and its _cat set together), word2vec text or binary, or a projector directory")
		embFormat  = fs.String("embeddings-format", "", "format of -embeddings: released, word2vec, word2vec-binary or tsv (default: from its name)")
		ccsrPath   = fs.String("ccsr", "", "CCSR map (DXCCSR CSV, reference sheet CSV or .xlsx, wide or plain code,category CSV); needed by the ccsr and body levels")
		policyName = fs.String("policy", "", "categories of codes with several: default-op, default-ip, first or all (default: default-op when the file has it, else first)")
		levelsFlag = fs.String("levels", "ccsr", "hierarchy levels whose nodes link the codes, comma-separated: ccsr, body, icd3, icd4, icd5, icd6 (icd: all four), chapter")
		icdOrder   = fs.String("icd-order", "", "ICD-10-CM order file (icd10cm_order_YYYY.txt, .gz ok) whose headers are the icd4..icd6 nodes (default: the codes of the map, the vectors and -codes-from)")
		codesFrom  = fs.String("codes-from", "", "also give a vector to every code of this list that has none: map (the CCSR map's codes) or a code list file (CMS's icd10cm_codes or order file, or one code per line)")
		iterations = fs.Int("iterations", def.Iterations, "updates of every vector")
		alpha      = fs.Float64("alpha", def.Alpha, "weight of a vector's distance to its trained value")
		beta       = fs.Float64("beta", def.Beta, "weight of its distance to its neighbours (shared among them)")
		out        = fs.String("out", "", "output file (directory for -format tsv)")
		formatName = fs.String("format", "", "output format: released, word2vec, word2vec-binary or tsv (default: from -out's extension)")
		dotless    = spellingFlag(fs)
		sources    = fs.String("sources", "", "also write a CSV token,kind,set,source saying which rows were retrofitted, inferred from their neighbours, or kept")
		quiet      = fs.Bool("quiet", false, "print nothing but errors")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *embPath == "":
		return usagef("-embeddings is required")
	case *out == "":
		return usagef("-out is required")
	}
	cfg := retrofit.Config{Iterations: *iterations, Alpha: *alpha, Beta: *beta}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	levels, err := hierarchy.ParseLevels(*levelsFlag)
	if err != nil {
		return usagef("%v", err)
	}
	if levels == 0 {
		return usagef("-levels is empty; name at least one level")
	}
	if levels.NeedsMap() && *ccsrPath == "" {
		return usagef("-levels %s needs -ccsr", levels)
	}
	if *codesFrom == "map" && *ccsrPath == "" {
		return usagef("-codes-from map needs -ccsr")
	}
	if err := cov.check(*ccsrPath != ""); err != nil {
		return err
	}
	if cov.list != "" {
		if *codesFrom != "" && *codesFrom != cov.list {
			return usagef("-codes-from %s and -coverage %s: give one list", *codesFrom, cov.list)
		}
		*codesFrom = cov.list
	}
	if in.input != "" {
		if cov.list == "" {
			return usagef("-input counts the coverage table's patients; it needs -coverage")
		}
		if err := in.check(); err != nil {
			return err
		}
	}
	if setFlags(fs)["min-patients"] && in.input == "" {
		return usagef("-min-patients applies to the counts of -input; give -input")
	}
	outFormat, err := fileFormat(*formatName, *out)
	if err != nil {
		return err
	}
	sp, err := spelling(*dotless, outFormat)
	if err != nil {
		return err
	}
	inFormat, err := fileFormat(*embFormat, *embPath)
	if err != nil {
		return err
	}
	rep := newReporter(stderr, *quiet)
	if in.input != "" {
		if err := checkMinPatients(*minPatients, rep); err != nil {
			return err
		}
	}
	if cov.list != "" {
		if err := atomicfile.Probe(cov.tablePath(*out, outFormat)); err != nil {
			return err
		}
	}

	sets, err := export.Read(*embPath, inFormat)
	if err != nil {
		return err
	}
	var m *hierarchy.Map
	if *ccsrPath != "" {
		if m, err = hierarchy.ReadMapFile(*ccsrPath); err != nil {
			return err
		}
	}
	var counts *release.Counts
	if in.input != "" {
		c, _, err := in.read(ctx, rep, mapGate(m))
		if err != nil {
			return err
		}
		counts = release.Count(c)
		if dropped := dropRare(sets, counts, *minPatients); dropped > 0 {
			rep.say("%d code rows of %s are of codes seen in fewer than %d patients: dropped, their codes get their neighbours' vectors", dropped, *embPath, *minPatients)
		}
	}
	listed, err := listedCodes(*codesFrom, m)
	if err != nil {
		return err
	}
	var known []string
	for _, s := range sets {
		known = append(known, codeTokens(s)...)
	}
	policy, err := hierarchy.ResolvePolicy(*policyName, m)
	if err != nil {
		return usagef("%v", err)
	}
	a, err := ancestry(m, policy, levels, *icdOrder, append(known, listed...))
	if err != nil {
		return err
	}
	rep.say("read %d sets from %s; levels %s, policy %s; %d listed codes", len(sets), *embPath, levels, policy, len(listed))
	if err := ctx.Err(); err != nil {
		return err
	}

	groups := spaces(sets)
	if outFormat != export.Released && len(groups) != 1 {
		return usagef("%s holds %d vector spaces; the %v format holds one: write -out as .json", *embPath, len(groups), outFormat)
	}
	if cov.list != "" && len(groups) != 1 {
		return usagef("-coverage writes the table of one vector space; %s holds %d (write one set with -embeddings-format or split the file)", *embPath, len(groups))
	}
	outSets, outSources, err := retrofitSpaces(groups, a, listed, cfg, rep)
	if err != nil {
		return err
	}
	var covRows []release.CoverageRow
	if cov.list != "" {
		var crep release.CoverageReport
		if _, covRows, crep, err = release.Cover(joinSets(outSets), retrofitOrigins(outSources), listed, nil, counts, *minPatients); err != nil {
			return err
		}
		rep.say("%s", crep)
	}
	if err := writeSets(*out, outFormat, joinSets(outSets), outSets, hierarchy.NewLabeler(m, policy), sp); err != nil {
		return err
	}
	if cov.list != "" {
		path := cov.tablePath(*out, outFormat)
		if err := release.WriteCoverageTable(path, covRows, *minPatients); err != nil {
			return err
		}
		rep.say("wrote the coverage table %s", path)
	}
	if *sources != "" {
		if err := writeSources(*sources, outSets, outSources); err != nil {
			return err
		}
	}
	for _, s := range outSets {
		fmt.Fprintf(stdout, "wrote %s: %s (%d x %d)\n", *out, s.Name, s.Len(), s.Dim)
	}
	return nil
}

// dropRare drops from sets the code rows of codes seen in fewer than
// minPatients patients of counts (the code then gets its neighbours'
// vector instead), and returns how many it dropped.
func dropRare(sets []*embedding.Set, counts *release.Counts, minPatients int) int {
	dropped := 0
	for i, s := range sets {
		keep := make([]bool, s.Len())
		n := 0
		for r, tok := range s.Tokens {
			keep[r] = s.Kinds[r] != corpus.KindCode || minPatients <= 1 || counts.Patients(tok) >= int64(minPatients)
			if !keep[r] {
				n++
			}
		}
		if n > 0 {
			sets[i] = s.Subset(func(r int) bool { return keep[r] })
		}
		dropped += n
	}
	return dropped
}

// listedCodes reads -codes-from: nothing, the map's codes, or the
// billable codes of a code list file.
func listedCodes(from string, m *hierarchy.Map) ([]string, error) {
	switch from {
	case "":
		return nil, nil
	case "map":
		return m.Codes(), nil
	}
	sys, err := hierarchy.ReadCodeSystemFile(from)
	if err != nil {
		return nil, err
	}
	return sys.Billable(), nil
}

// retrofitSpaces retrofits each vector space of groups over the graph of
// a, and returns the sets and the source of each of their rows. A space
// without codes (a category run's) is kept as it is.
func retrofitSpaces(groups [][]*embedding.Set, a *hierarchy.Ancestry, listed []string, cfg retrofit.Config, rep *reporter) ([]*embedding.Set, [][]retrofit.Source, error) {
	var outSets []*embedding.Set
	var outSources [][]retrofit.Source
	for _, group := range groups {
		var codes []string
		for _, s := range group {
			codes = append(codes, codeTokens(s)...)
		}
		if len(codes) == 0 { // a category run's vectors: no code to link
			outSets = append(outSets, group...)
			for _, s := range group {
				outSources = append(outSources, make([]retrofit.Source, s.Len()))
			}
			continue
		}
		res, err := retrofit.Retrofit(group, retrofit.NewGraph(a, codes, listed), cfg)
		if err != nil {
			return nil, nil, err
		}
		r := res.Report
		rep.say("%s: graph of %d nodes, %d edges; %d rows retrofitted, %d kept, %d codes inferred, %d unreached; last change %.3g",
			group[0].Name, r.Nodes, r.Edges, r.Retrofitted, r.Kept, r.Inferred, r.Unreached, r.Change)
		outSets = append(outSets, res.Sets...)
		outSources = append(outSources, res.Sources...)
	}
	return outSets, outSources, nil
}

// retrofitOrigins says where each row of the retrofitted sets comes from,
// for the coverage table: moved from its trained vector, inferred from its
// neighbours, or kept (outside the graph).
func retrofitOrigins(sources [][]retrofit.Source) []release.Origin {
	var origins []release.Origin
	for _, src := range sources {
		for _, x := range src {
			o := release.Origin{Source: release.SourceRetrofitted, OwnRows: x != retrofit.SourceInferred}
			if x == retrofit.SourceKept {
				o.Source = release.SourceTrained
			}
			origins = append(origins, o)
		}
	}
	return origins
}

// codeTokens returns the code tokens of a set.
func codeTokens(s *embedding.Set) []string {
	var out []string
	for i, t := range s.Tokens {
		if s.Kinds[i] == corpus.KindCode {
			out = append(out, t)
		}
	}
	return out
}

// spaces groups a file's sets into the vector spaces they were trained in:
// a co-trained code set and its _cat set (released keys X_CO_embeddings_d
// and X_CO_cat_embeddings_d) form one; every other set is its own.
func spaces(sets []*embedding.Set) [][]*embedding.Set {
	var groups [][]*embedding.Set
	used := make([]bool, len(sets))
	for i, s := range sets {
		if used[i] {
			continue
		}
		group := []*embedding.Set{s}
		used[i] = true
		if info, err := export.ParseReleasedKey(s.Name); err == nil && info.CO && !info.Categories {
			cat := export.ReleasedKey(info.Algorithm, true, true, info.Dim)
			if j := slices.IndexFunc(sets, func(t *embedding.Set) bool { return t.Name == cat }); j >= 0 && !used[j] {
				group = append(group, sets[j])
				used[j] = true
			}
		}
		groups = append(groups, group)
	}
	return groups
}

// joinSets returns the rows of sets as one set, named after the first.
func joinSets(sets []*embedding.Set) *embedding.Set {
	if len(sets) == 1 {
		return sets[0]
	}
	out := &embedding.Set{Name: sets[0].Name, Dim: sets[0].Dim}
	for _, s := range sets {
		out.Tokens = append(out.Tokens, s.Tokens...)
		out.Kinds = append(out.Kinds, s.Kinds...)
		out.Vectors = append(out.Vectors, s.Vectors...)
	}
	return out
}

// writeSources writes where each output row comes from.
func writeSources(path string, sets []*embedding.Set, sources [][]retrofit.Source) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"token", "kind", "set", "source"})
	for i, s := range sets {
		for r, tok := range s.Tokens {
			if s.Kinds[r] == corpus.KindCode {
				tok = hierarchy.Dotted(tok)
			}
			w.Write([]string{tok, s.Kinds[r].String(), s.Name, sources[i][r].String()})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("retrofit: %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b.Bytes())
}

// ancestry builds the ancestry of -levels: the map's categories under
// policy for ccsr and body, and for icd4..icd6 the headers of -icd-order
// or, without it, the codes of the map and of codes (the input's).
func ancestry(m *hierarchy.Map, policy hierarchy.Policy, levels hierarchy.Levels, icdOrder string, codes []string) (*hierarchy.Ancestry, error) {
	var sys *hierarchy.CodeSystem
	if icdOrder != "" {
		var err error
		if sys, err = hierarchy.ReadCodeSystemFile(icdOrder); err != nil {
			return nil, err
		}
	} else {
		var mapped []string
		if m != nil {
			mapped = m.Codes()
		}
		sys = hierarchy.NewCodeSystem("codes of the map and the input", mapped, codes)
	}
	a, err := hierarchy.NewAncestry(levels, hierarchy.NewLabeler(m, policy), sys)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return a, nil
}

// vocabCodes returns the codes of c's vocabulary.
func vocabCodes(c *corpus.Corpus) []string {
	var codes []string
	for i, w := range c.Vocab.Words {
		if c.Vocab.Kinds[i] == corpus.KindCode {
			codes = append(codes, w)
		}
	}
	return codes
}

// mapGate is m as the code list of the readers' gate (corpus.CodeSet),
// nil without a map: a nil *Map in the interface would not be nil.
func mapGate(m *hierarchy.Map) corpus.CodeSet {
	if m == nil {
		return nil
	}
	return m
}

// coTrainLevels builds train's multi-level co-trained view.
func coTrainLevels(c *corpus.Corpus, m *hierarchy.Map, policy hierarchy.Policy, levels hierarchy.Levels, icdOrder string) (*corpus.Corpus, *hierarchy.ViewReport, error) {
	a, err := ancestry(m, policy, levels, icdOrder, vocabCodes(c))
	if err != nil {
		return nil, nil, err
	}
	co, vr := hierarchy.CoTrainLevels(c, a)
	return co, vr, nil
}
