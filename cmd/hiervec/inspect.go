package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/release"
	"github.com/hiervec/hiervec/trainer"
)

func init() {
	register(command{name: "inspect", summary: "describe a corpus (and a CCSR map): patients, tokens, lengths, memory, coverage", run: runInspect})
}

// inspectSummary is what inspect prints; -json encodes it as one object.
// The embedded read report supplies rows, skipped_rows, patients,
// patient_years, tokens and the drop counts; its patient identifiers are
// excluded from JSON and never printed.
type inspectSummary struct {
	Input  string `json:"input,omitempty"`
	Format string `json:"format,omitempty"`
	*corpus.ReadReport
	Visits     *int64              `json:"visits,omitempty"`
	Vocabulary *int64              `json:"vocabulary,omitempty"`
	Lengths    *corpus.LengthStats `json:"sequence_length,omitempty"`
	Memory     *inspectMemory      `json:"training_memory,omitempty"`
	SmallCells *inspectSmallCells  `json:"small_cells,omitempty"`
	*inspectCCSR
}

// inspectSmallCells says what small-cell suppression would keep out of a
// training run's outputs: how many codes, never which.
type inspectSmallCells struct {
	MinPatients int     `json:"min_patients"`
	Codes       int     `json:"codes"`
	TokenShare  float64 `json:"token_share"`
	Exact       bool    `json:"exact_patients"`
}

// inspectMemory estimates the memory of training a model on the input:
// the In and Out matrices with their rows as the trainer pads them, the
// copies of the most frequent rows each thread but the first keeps
// (trainer.EstimateMemory), and the corpus (2 bytes a token, 4 past 65,536
// distinct tokens, and 8 bytes per sequence offset, visit offset and
// sequence-visit offset, the last two only when visits are not sequences:
// a sequence file's corpus shares one array). The program itself adds
// about 10 MiB.
type inspectMemory struct {
	Dim          int    `json:"dim"`
	Model        string `json:"model"`
	Threads      int    `json:"threads"`
	ModelBytes   int64  `json:"model_bytes"`
	StagingBytes int64  `json:"staging_bytes"`
	CorpusBytes  int64  `json:"corpus_bytes"`
	TotalBytes   int64  `json:"total_bytes"`
}

// inspectCCSR describes a CCSR map and, with an input, how it covers the
// input's codes.
type inspectCCSR struct {
	CCSRFile       string             `json:"ccsr_file"`
	CCSRLayout     string             `json:"ccsr_layout"`
	Policy         string             `json:"policy"`
	CCSRCodes      int                `json:"ccsr_codes"`
	CCSRCategories int                `json:"ccsr_categories"`
	UnmappedCodes  *int               `json:"unmapped_codes,omitempty"`  // distinct input codes without a category
	UnmappedTokens *int64             `json:"unmapped_tokens,omitempty"` // their occurrences
	TopUnmapped    []inspectCodeCount `json:"top_unmapped,omitempty"`
}

type inspectCodeCount struct {
	Code  string `json:"code"`
	Count int64  `json:"count"`
}

func runInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("inspect", stderr)
	var in inputFlags
	in.register(fs)
	var (
		ccsrPath    = fs.String("ccsr", "", "CCSR map (DXCCSR CSV, reference sheet CSV, wide or plain code,category CSV)")
		policyName  = fs.String("policy", "", "category policy for codes with several: default-op, default-ip, first or all (default: the map's default)")
		dim         = fs.Int("dim", 100, "vector dimension for the training memory estimate")
		modelName   = fs.String("model", "sg", "model for the training memory estimate: sg or cbow")
		threads     = fs.Int("threads", runtime.NumCPU(), "worker goroutines for the training memory estimate")
		top         = fs.Int("top", 10, "number of most frequent unmapped codes to list with -ccsr (codes under -min-patients are not listed)")
		minPatients = minPatientsFlag(fs)
		asJSON      = fs.Bool("json", false, "print one JSON object instead of text")
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hiervec inspect -input FILE [flags]\n       hiervec inspect -ccsr FILE [-policy P]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	input := &in.input
	if *input == "" && *ccsrPath == "" {
		return usagef("-input or -ccsr is required")
	}
	if *dim < 1 {
		return usagef("-dim is %d; it must be at least 1", *dim)
	}
	if *threads < 1 {
		return usagef("-threads is %d; it must be at least 1", *threads)
	}
	model, err := trainer.ParseModel(*modelName)
	if err != nil {
		return usagef("%v", err)
	}
	if *top < 0 {
		return usagef("-top is %d; it must be at least 0", *top)
	}
	if *policyName != "" && *ccsrPath == "" {
		return usagef("-policy needs -ccsr")
	}
	format, err := corpus.ParseFormat(in.inputFormat)
	if err != nil {
		return usagef("-input-format %q: want %s", in.inputFormat, inputFormats)
	}
	if *input != "" {
		if err := in.check(); err != nil {
			return err
		}
	}

	var sum inspectSummary
	var m *hierarchy.Map
	var policy hierarchy.Policy
	if *ccsrPath != "" {
		if m, err = hierarchy.ReadMapFile(*ccsrPath); err != nil {
			return err
		}
		if policy, err = hierarchy.ResolvePolicy(*policyName, m); err != nil {
			return usagef("%v", err)
		}
		sum.inspectCCSR = &inspectCCSR{
			CCSRFile: *ccsrPath, CCSRLayout: m.Format(), Policy: policy.String(),
			CCSRCodes: m.NumCodes(), CCSRCategories: m.NumCategories(),
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if *input != "" {
		opt, err := in.options(ctx, mapGate(m))
		if err != nil {
			return err
		}
		if format == corpus.FormatAuto {
			if format, err = corpus.DetectFormat(*input, opt); err != nil {
				return err
			}
		}
		c, rep, err := corpus.ReadFile(ctx, *input, format, opt)
		if err != nil {
			return err
		}
		rep.PatientIDs = nil // never printed; dropped as soon as possible
		sum.Input, sum.Format, sum.ReadReport = corpus.InputName(*input), format.String(), rep
		visits, vocab := int64(c.NumVisits()), int64(c.Vocab.Len())
		stats := c.LengthStats()
		sum.Visits, sum.Vocabulary, sum.Lengths = &visits, &vocab, &stats
		counts := release.Count(c)
		set := &embedding.Set{Tokens: c.Vocab.Words, Kinds: c.Vocab.Kinds}
		_, sup := release.Apply(set, counts, *minPatients)
		sum.SmallCells = &inspectSmallCells{MinPatients: *minPatients, Codes: sup.SuppressedCodes, TokenShare: sup.SuppressedShare(), Exact: counts.Exact}
		cfg := trainer.DefaultConfig(model)
		cfg.Dim, cfg.Workers = *dim, *threads
		tm := trainer.EstimateMemory(c.Vocab.Counts, cfg)
		offsets := 8 * int64(len(c.Seqs)+len(c.SeqVisits)) // SeqVisits nil: one visit per sequence
		if len(c.Visits) > 0 && &c.Visits[0] != &c.Seqs[0] {
			offsets += 8 * int64(len(c.Visits))
		}
		corpusBytes := c.Tokens.Bytes() + offsets
		sum.Memory = &inspectMemory{Dim: *dim, Model: strings.ToLower(model.String()), Threads: *threads,
			ModelBytes: tm.Model, StagingBytes: tm.Staging, CorpusBytes: corpusBytes,
			TotalBytes: tm.Model + tm.Staging + corpusBytes}
		if m != nil {
			coverage(sum.inspectCCSR, c, m, policy, *top, func(code string) bool { return counts.Patients(code) >= int64(*minPatients) })
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(&sum)
	}
	printInspect(stdout, &sum)
	return nil
}

// coverage counts the input's codes (tokens of KindCode) that the map does
// not categorise under policy, and lists the most frequent ones.
//
// Only codes for which listable holds (those seen in enough patients to
// pass small-cell suppression) are listed: a rare code's presence in an
// extract is itself a small cell.
func coverage(s *inspectCCSR, c *corpus.Corpus, m *hierarchy.Map, p hierarchy.Policy, top int, listable func(string) bool) {
	cov := hierarchy.NewLabeler(m, p).Coverage(c.Vocab, nil, c.Vocab.Len())
	n := int(cov.UnmappedCodes)
	s.UnmappedCodes, s.UnmappedTokens = &n, &cov.UnmappedTokens
	s.TopUnmapped = []inspectCodeCount{}
	for _, u := range cov.TopUnmapped {
		if len(s.TopUnmapped) < top && listable(u.Code) {
			s.TopUnmapped = append(s.TopUnmapped, inspectCodeCount{Code: u.Code, Count: u.Count})
		}
	}
}

// printInspect writes the summary as aligned "name  value" lines.
func printInspect(w io.Writer, s *inspectSummary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(name, format string, a ...any) { fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{name}, a...)...) }
	if s.ReadReport != nil {
		r := s.ReadReport
		line("input", "%s (%s)", s.Input, s.Format)
		if r.Rows > 0 || s.Format == corpus.FormatExtract.String() {
			line("rows", "%d", r.Rows)
			line("accepted rows", "%d", r.Accepted)
			line("skipped rows", "%d%s", r.Skipped, reasons(r.SkippedByReason))
		}
		for _, src := range r.Sources {
			line("", "%s", strings.TrimSpace(describeSource(src)))
		}
		if r.BlankLines > 0 {
			line("blank lines", "%d", r.BlankLines)
		}
		if s.Format == corpus.FormatExtract.String() || r.Patients > 0 {
			line("patients", "%d", r.Patients)
		}
		line("patient-years", "%d (sequences)", r.PatientYears)
		line("visits", "%d", *s.Visits)
		line("tokens", "%d", r.Tokens)
		line("vocabulary", "%d", *s.Vocabulary)
		if r.DedupedTokens > 0 {
			line("deduplicated", "%d tokens", r.DedupedTokens)
		}
		if r.DroppedMinCountCodes > 0 {
			line("below min-count", "%d codes, %d tokens", r.DroppedMinCountCodes, r.DroppedMinCountTokens)
		}
		if r.EmptySequencesDropped > 0 {
			line("emptied sequences", "%d dropped", r.EmptySequencesDropped)
		}
		l := s.Lengths
		line("sequence length", "median %g, mean %.2f, p90 %d, p99 %d, max %d", l.Median, l.Mean, l.P90, l.P99, l.Max)
		mem := s.Memory
		threads := fmt.Sprintf("%d threads", mem.Threads)
		if mem.Threads == 1 {
			threads = "1 thread"
		}
		line("training memory", "%s for %s at dim %d, %s (model %s, staged rows %s, corpus %s)",
			bytesIEC(mem.TotalBytes), mem.Model, mem.Dim, threads, bytesIEC(mem.ModelBytes), bytesIEC(mem.StagingBytes), bytesIEC(mem.CorpusBytes))
		if sc := s.SmallCells; sc != nil {
			how := "patients"
			if !sc.Exact {
				how = "sequences (the input has no patient identity)"
			}
			line("small cells", "%d codes seen in fewer than %d %s, %.2f%% of tokens: trained, never written", sc.Codes, sc.MinPatients, how, 100*sc.TokenShare)
		}
	}
	if c := s.inspectCCSR; c != nil {
		line("ccsr map", "%s (%s layout, policy %s)", c.CCSRFile, c.CCSRLayout, c.Policy)
		line("ccsr codes", "%d", c.CCSRCodes)
		line("ccsr categories", "%d", c.CCSRCategories)
		if c.UnmappedCodes != nil {
			line("unmapped codes", "%d distinct, %d tokens", *c.UnmappedCodes, *c.UnmappedTokens)
			if len(c.TopUnmapped) > 0 {
				var parts []string
				for _, u := range c.TopUnmapped {
					parts = append(parts, fmt.Sprintf("%s (%d)", u.Code, u.Count))
				}
				line("top unmapped", "%s", strings.Join(parts, ", "))
			}
		}
	}
	tw.Flush()
}

// reasons renders skip counts as " (date 3, empty_code 1)", reasons sorted.
func reasons(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// bytesIEC formats a byte count with a binary unit.
func bytesIEC(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for v := n / unit; v >= unit; v /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
