package reproduce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
)

// StudyRow is one row of study.json: the scores of one method's vectors
// (or of a baseline in its space) for one model, dimension and seed, on
// one stratum of codes. Metrics holds the scores by name: ami_K and nmi_K
// for each k-means k, p_at_10, and on "unseen" rows category_top10,
// category_top1, category_rank_median, neighbour_overlap_10 (against SEP
// trained on every code), neighbour_overlap_10_own (against the same
// method trained on every code, with Config.StudyFullRuns) and
// with_vector (the share of the hidden codes the space gives a vector;
// Codes counts them all, and category_top10 and category_top1 count a
// code without a vector as a miss, while the other scores are over the
// codes with one); the "all" row also carries train_seconds (the run on
// the held-out corpus), full_train_seconds (on every code, when trained)
// and auc_<outcome>.
type StudyRow struct {
	Method   string
	Baseline string // BaselineCategoryRow or BaselineCategoryCentroid on a baseline row
	Model    string
	Dim      int
	Seed     uint64
	Stratum  string
	Codes    int
	Metrics  map[string]float64
}

// Stratum names of the unseen rows.
const unseenStratum = "unseen"

// metricOrder is the order of the known metrics in study.json.
var metricOrder = []string{"ami_200", "nmi_200", "ami_400", "nmi_400", "p_at_10",
	"with_vector", "category_top10", "category_top1", "category_rank_median", "neighbour_overlap_10", "neighbour_overlap_10_sep",
	"train_seconds", "holdout_train_seconds"}

func metricRank(name string) int {
	if i := slices.Index(metricOrder, name); i >= 0 {
		return i
	}
	if strings.HasPrefix(name, "ami_") || strings.HasPrefix(name, "nmi_") {
		return -1 // another k: first, in name order
	}
	return len(metricOrder)
}

// MarshalJSON writes the row flat: method, baseline (when set), model,
// dim, seed, stratum, codes, then the metrics (NaN left out).
func (r StudyRow) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // strata are named "<11"
	put := func(v any) {
		enc.Encode(v)
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	field := func(k string, v any) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		put(k)
		b.WriteByte(':')
		put(v)
	}
	field("method", r.Method)
	if r.Baseline != "" {
		field("baseline", r.Baseline)
	}
	field("model", r.Model)
	field("dim", r.Dim)
	field("seed", r.Seed)
	field("stratum", r.Stratum)
	field("codes", r.Codes)
	names := make([]string, 0, len(r.Metrics))
	for k, v := range r.Metrics {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			names = append(names, k)
		}
	}
	slices.SortFunc(names, func(a, c string) int {
		if d := metricRank(a) - metricRank(c); d != 0 {
			return d
		}
		return strings.Compare(a, c)
	})
	for _, k := range names {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		put(k)
		b.WriteByte(':')
		b.WriteString(strconv.FormatFloat(r.Metrics[k], 'g', 6, 64))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *StudyRow) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*r = StudyRow{Metrics: map[string]float64{}}
	for k, v := range raw {
		var err error
		switch k {
		case "method":
			err = json.Unmarshal(v, &r.Method)
		case "baseline":
			err = json.Unmarshal(v, &r.Baseline)
		case "model":
			err = json.Unmarshal(v, &r.Model)
		case "dim":
			err = json.Unmarshal(v, &r.Dim)
		case "seed":
			err = json.Unmarshal(v, &r.Seed)
		case "stratum":
			err = json.Unmarshal(v, &r.Stratum)
		case "codes":
			err = json.Unmarshal(v, &r.Codes)
		default:
			var f float64
			err = json.Unmarshal(v, &f)
			r.Metrics[k] = f
		}
		if err != nil {
			return fmt.Errorf("study row field %q: %w", k, err)
		}
	}
	return nil
}

// score scores every method of one unit. In each method's held-out space
// k-means is fitted once per k on the seen codes; the frequency strata
// are scored on the seen codes, and the hidden codes, placed in the
// cluster of their nearest centroid as codes met after training would be,
// are scored with the same clusters, for the method's own vectors and for
// its baseline.
func (st *study) score(ctx context.Context, u studyUnit, full, held map[Method]*space, hold *studyCorpus) ([]StudyRow, error) {
	gcfg := evaluate.DefaultGroupConfig()
	gcfg.Ks, gcfg.Workers, gcfg.Seed, gcfg.All = slices.Clone(st.cfg.Ks), st.cfg.Word2Vec.Workers, u.seed, ""
	gcfg.Fit = func(tok string) bool { return !hold.hidden[tok] }
	// Groups: all seen codes, each stratum's seen codes, all hidden codes,
	// each stratum's hidden codes.
	names := []string{"all"}
	for _, s := range st.strata {
		names = append(names, s.Name)
	}
	unseen := len(names)
	names = append(names, unseenStratum)
	for _, s := range st.strata {
		names = append(names, unseenStratum+" "+s.Name)
	}
	stratum := func(code string) int {
		n := st.counts.Patients(code)
		for i, s := range st.strata {
			if s.Contains(n) {
				return i
			}
		}
		return -1
	}
	groups := func(tok string) []int {
		base := 0
		if hold.hidden[tok] {
			base = unseen
		}
		if i := stratum(tok); i >= 0 {
			return []int{base, base + 1 + i}
		}
		return []int{base}
	}
	seen := func(tok string) bool { return !hold.hidden[tok] }
	newRow := func(m Method, baseline, stratumName string, codes int) StudyRow {
		return StudyRow{Method: string(m), Baseline: baseline, Model: string(u.algo()), Dim: u.dim, Seed: u.seed,
			Stratum: stratumName, Codes: codes, Metrics: map[string]float64{}}
	}
	sepRef := named(codeRows(full[MethodSEP].set), "sep")
	var rows []StudyRow
	for _, m := range st.methods {
		hs := held[m]
		codes := codeRows(hs.set)
		gs, part, err := evaluate.ScoreGroups(ctx, codes, st.label, groups, names, seen, gcfg)
		if err != nil {
			return nil, err
		}
		for _, g := range gs[:unseen] {
			r := newRow(m, "", g.Group, g.Codes)
			putGroup(r.Metrics, g)
			if g.Group == "all" {
				r.Metrics["train_seconds"] = hs.seconds
				if f := full[m]; f != nil {
					r.Metrics["full_train_seconds"] = f.seconds
				}
				if st.down != nil {
					auc, _, err := st.down.Score(ctx, codes)
					if err != nil {
						return nil, err
					}
					for name, a := range auc {
						r.Metrics["auc_"+name] = a.AUC
					}
				}
			}
			rows = append(rows, r)
		}

		refs := []*embedding.Set{sepRef}
		if f := full[m]; f != nil && m != MethodSEP {
			refs = append(refs, named(codeRows(f.set), "own"))
		}
		if gives(m) {
			ur, err := st.scoreHidden(ctx, codes, hold, refs, gs[unseen:], groups, unseen)
			if err != nil {
				return nil, err
			}
			for _, r := range ur {
				r.Method, r.Model, r.Dim, r.Seed = string(m), string(u.algo()), u.dim, u.seed
				rows = append(rows, r)
			}
		}
		bs, kind := st.baseline(m, hs, hold)
		bcfg := gcfg
		bcfg.Fit, bcfg.Partition, bcfg.N = nil, part, 0 // the same clusters; P@10 comes from ScoreUnseen
		bgs, _, err := evaluate.ScoreGroups(ctx, bs, st.label, groups, names, seen, bcfg)
		if err != nil {
			return nil, err
		}
		ur, err := st.scoreHidden(ctx, bs, hold, refs, bgs[unseen:], groups, unseen)
		if err != nil {
			return nil, err
		}
		for _, r := range ur {
			r.Method, r.Baseline, r.Model, r.Dim, r.Seed = string(m), kind, string(u.algo()), u.dim, u.seed
			rows = append(rows, r)
		}
	}
	// A stratum of fewer codes than the small-cell threshold is not
	// reported: its scores would describe a handful of codes.
	rows = slices.DeleteFunc(rows, func(r StudyRow) bool { return r.Codes < st.cfg.MinPatients })
	return rows, nil
}

// gives reports whether a method gives codes hidden from its training a
// vector of its own (the others have only their baselines).
func gives(m Method) bool {
	return m == MethodCOLevels || m == MethodCompose || m == MethodComposeCO || m == MethodRetrofitSEP || m == MethodRetrofitCO
}

// putGroup stores a group's scores as metrics.
func putGroup(dst map[string]float64, g evaluate.GroupScore) {
	for k, v := range g.AMI {
		dst[fmt.Sprintf("ami_%d", k)] = v
	}
	for k, v := range g.NMI {
		dst[fmt.Sprintf("nmi_%d", k)] = v
	}
	if g.N > 0 {
		dst[fmt.Sprintf("p_at_%d", g.N)] = g.PAtN
	}
}

// scoreHidden scores the hidden codes of a held-out space (codes: its code
// rows): all of them ("unseen") and those of each frequency stratum (by
// their patients in all the data: "unseen 11-99"). gs are ScoreGroups'
// scores of these groups, which groups numbers from unseen on.
func (st *study) scoreHidden(ctx context.Context, codes *embedding.Set, hold *studyCorpus, refs []*embedding.Set, gs []evaluate.GroupScore, groups func(string) []int, unseen int) ([]StudyRow, error) {
	// Every hidden code of a group counts: one the space gives no vector
	// is a miss of the category rank.
	total := make([]int, len(gs))
	for c := range hold.hidden {
		if _, ok := st.label(c); ok {
			for _, g := range groups(c) {
				total[g-unseen]++
			}
		}
	}
	ucfg := evaluate.DefaultUnseenConfig()
	ucfg.Workers = st.cfg.Word2Vec.Workers
	var out []StudyRow
	for i, g := range gs {
		if total[i] == 0 {
			continue
		}
		hidden := func(tok string) bool { return hold.hidden[tok] && slices.Contains(groups(tok), unseen+i) }
		us, err := evaluate.ScoreUnseen(ctx, codes, hidden, st.label, refs, ucfg)
		if err != nil {
			return nil, err
		}
		r := StudyRow{Stratum: g.Group, Codes: total[i], Metrics: map[string]float64{}}
		share := float64(us.Codes) / float64(total[i])
		putGroup(r.Metrics, g)
		r.Metrics["with_vector"] = share
		r.Metrics[fmt.Sprintf("p_at_%d", ucfg.N)] = us.PAtN
		r.Metrics[fmt.Sprintf("category_top%d", ucfg.TopCategories)] = us.CategoryTop * share
		r.Metrics["category_top1"] = us.CategoryTop1 * share
		r.Metrics["category_rank_median"] = us.MedianRank
		r.Metrics[fmt.Sprintf("neighbour_overlap_%d", ucfg.N)] = us.Overlap["sep"]
		if _, ok := us.Overlap["own"]; ok {
			r.Metrics[fmt.Sprintf("neighbour_overlap_%d_own", ucfg.N)] = us.Overlap["own"]
		}
		out = append(out, r)
	}
	return out, nil
}

// baseline returns the held-out space of method m with every hidden code
// given its category's row alone: the category token's row where the
// space has one (a co-trained run), the category unit's row of a
// composition, or else the centroid of the category's seen codes (the
// mean of their unit vectors: the centroid the category rank of
// evaluate.ScoreUnseen measures against, so this baseline ranks its
// category first by construction). The method's own vectors of the hidden
// codes are left out.
func (st *study) baseline(m Method, sp *space, hold *studyCorpus) (*embedding.Set, string) {
	seen := sp.set.Subset(func(i int) bool { return !hold.hidden[sp.set.Tokens[i]] })
	dim := seen.Dim
	rows := seen // where category rows are looked up
	kind := BaselineCategoryRow
	if sp.comp != nil {
		rows = sp.comp.Units
	} else if !slices.Contains(seen.Kinds, corpus.KindCategory) {
		kind = BaselineCategoryCentroid
	}
	var cent map[string][]float64
	var size map[string]int
	if kind == BaselineCategoryCentroid {
		cent, size = map[string][]float64{}, map[string]int{}
		for i, tok := range seen.Tokens {
			if seen.Kinds[i] != corpus.KindCode {
				continue
			}
			l, ok := st.label(tok)
			if !ok {
				continue
			}
			c := cent[l]
			if c == nil {
				c = make([]float64, dim)
				cent[l] = c
			}
			v := seen.Vector(i)
			var ss float64
			for _, x := range v {
				ss += float64(x) * float64(x)
			}
			if ss == 0 {
				continue
			}
			inv := 1 / math.Sqrt(ss)
			for k, x := range v {
				c[k] += float64(x) * inv
			}
			size[l]++
		}
	}
	var toks []string
	var vecs []float32
	for _, c := range slices.Sorted(maps.Keys(hold.hidden)) {
		l, ok := st.label(c)
		if !ok {
			continue
		}
		if kind == BaselineCategoryRow {
			if i, ok := rows.Lookup(l); ok {
				toks = append(toks, c)
				vecs = append(vecs, rows.Vector(i)...)
			}
			continue
		}
		if n := size[l]; n > 0 {
			toks = append(toks, c)
			for _, v := range cent[l] {
				vecs = append(vecs, float32(v/float64(n)))
			}
		}
	}
	return appendRows(seen, toks, vecs), kind
}

// codeRows returns the code rows of s.
func codeRows(s *embedding.Set) *embedding.Set {
	if !slices.ContainsFunc(s.Kinds, func(k corpus.Kind) bool { return k != corpus.KindCode }) {
		return s
	}
	return s.Subset(func(i int) bool { return s.Kinds[i] == corpus.KindCode })
}

// named returns a shallow copy of s with another name.
func named(s *embedding.Set, name string) *embedding.Set {
	c := *s
	c.Name = name
	return &c
}
