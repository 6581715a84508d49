package evaluate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable writes scores as aligned text tables. The first has one row
// per set of code vectors: set, codes scored, codes without a label, AMI
// and NMI at each k (AMI first: it is 0 at chance, where NMI is not), the
// same on unit vectors when they were scored, the labels' silhouette,
// precision@N and the AUC of each outcome (with its 95% interval). The
// second, when there are category sets, scores their category vectors
// against the CCSR body systems. Values not computed print as "-". Notes
// follow the tables.
func WriteTable(w io.Writer, scores []*SetScore) error {
	var codes, cats []*SetScore
	for _, s := range scores {
		if s.Category() {
			cats = append(cats, s)
		} else {
			codes = append(codes, s)
		}
	}
	if err := writeScoreTable(w, codes, "codes", true); err != nil {
		return err
	}
	if len(cats) > 0 {
		if _, err := fmt.Fprintf(w, "\nCategory vectors against the CCSR body systems (k = the number of body systems):\n"); err != nil {
			return err
		}
		if err := writeScoreTable(w, cats, "categories", false); err != nil {
			return err
		}
	}
	var random bool
	for _, s := range scores {
		random = random || s.Random
	}
	if random {
		if _, err := fmt.Fprintln(w, "random_<dim>: standard Gaussian vectors for the same codes, scored the same way: the chance level."); err != nil {
			return err
		}
	}
	for _, s := range scores {
		for _, note := range s.Notes {
			if _, err := fmt.Fprintf(w, "note: %s: %s\n", s.Set, note); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeScoreTable writes one table of scores; what names the vectors
// column, and outcomes adds the AUC columns.
func writeScoreTable(w io.Writer, scores []*SetScore, what string, outcomes bool) error {
	if len(scores) == 0 {
		return nil
	}
	cols := tableColumns(scores)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"set", what, "no_label"}
	for _, g := range cols.geometries {
		prefix := ""
		if g.unit {
			prefix = "unit "
		}
		for _, metric := range []string{"AMI", "NMI"} {
			for _, k := range cols.ks {
				head = append(head, fmt.Sprintf("%s%s@%d", prefix, metric, k))
			}
		}
	}
	head = append(head, "silhouette", fmt.Sprintf("P@%d", cols.n))
	if outcomes {
		for _, o := range cols.outcomes {
			head = append(head, "AUC "+o)
		}
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, s := range scores {
		row := []string{s.Set, strconv.Itoa(s.Vectors), strconv.Itoa(s.Skipped)}
		for _, g := range cols.geometries {
			ami, nmi := s.AMI, s.NMI
			if g.unit {
				ami, nmi = s.UnitAMI, s.UnitNMI
			}
			for _, m := range []map[int]float64{ami, nmi} {
				for _, k := range cols.ks {
					row = append(row, fmtScore(m, k))
				}
			}
		}
		row = append(row, fmtFloat(s.Silhouette), fmtFloat(s.PAtN))
		if outcomes {
			for _, o := range cols.outcomes {
				if a, ok := s.AUC[o]; ok {
					row = append(row, fmt.Sprintf("%.3f [%.3f, %.3f]", a.AUC, a.Lo, a.Hi))
				} else {
					row = append(row, "-")
				}
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	return tw.Flush()
}

type scaling struct{ unit bool }

type columns struct {
	ks         []int
	outcomes   []string
	n          int // the N of precision@N
	geometries []scaling
}

// tableColumns returns the union of the ks and outcome names, sorted, the
// N of precision@N and which geometries (raw, unit) were scored.
func tableColumns(scores []*SetScore) columns {
	var c columns
	c.n = 10
	var raw, unit bool
	for _, s := range scores {
		for k := range s.NMI {
			c.ks = append(c.ks, k)
		}
		for k := range s.UnitNMI {
			c.ks = append(c.ks, k)
		}
		raw = raw || len(s.NMI) > 0
		unit = unit || len(s.UnitNMI) > 0
		c.ks = append(c.ks, s.SkippedKs...)
		for o := range s.AUC {
			c.outcomes = append(c.outcomes, o)
		}
		if s.N > 0 {
			c.n = s.N
		}
	}
	if raw || !unit {
		c.geometries = append(c.geometries, scaling{false})
	}
	if unit {
		c.geometries = append(c.geometries, scaling{true})
	}
	slices.Sort(c.ks)
	slices.Sort(c.outcomes)
	c.ks, c.outcomes = slices.Compact(c.ks), slices.Compact(c.outcomes)
	return c
}

func fmtScore(m map[int]float64, k int) string {
	v, ok := m[k]
	if !ok {
		return "-"
	}
	return fmtFloat(v)
}

func fmtFloat(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

// MarshalJSON encodes a score as one object, keys in this order:
// set, kind ("code" or "category": what was scored), against (what it was
// scored against), random (true for a random baseline), vectors, skipped
// (vectors without a label), labels, ami and nmi (raw vectors) and unit_ami
// and unit_nmi (unit vectors), objects keyed by k, skipped_k, silhouette,
// p_at_<N>, auc (outcome -> AUC), auc_ci (outcome -> {lo, hi, positives,
// negatives}), notes. Values not computed are left out.
func (s *SetScore) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	first := true
	put := func(key string, v any) error {
		enc, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(enc)
		return nil
	}
	b.WriteByte('{')
	fields := []struct {
		key  string
		v    any
		keep bool
	}{
		{"set", s.Set, true},
		{"kind", s.Kind.String(), true},
		{"against", s.Against, true},
		{"random", true, s.Random},
		{"vectors", s.Vectors, true},
		{"skipped", s.Skipped, true},
		{"labels", s.Labels, true},
		{"ami", byK(s.AMI), len(s.AMI) > 0},
		{"nmi", byK(s.NMI), len(s.NMI) > 0},
		{"unit_ami", byK(s.UnitAMI), len(s.UnitAMI) > 0},
		{"unit_nmi", byK(s.UnitNMI), len(s.UnitNMI) > 0},
		{"skipped_k", s.SkippedKs, len(s.SkippedKs) > 0},
		{"silhouette", s.Silhouette, !math.IsNaN(s.Silhouette)},
		{fmt.Sprintf("p_at_%d", s.N), s.PAtN, !math.IsNaN(s.PAtN)},
		{"auc", aucValues(s.AUC), len(s.AUC) > 0},
		{"auc_ci", aucIntervals(s.AUC), len(s.AUC) > 0},
		{"notes", s.Notes, len(s.Notes) > 0},
	}
	for _, f := range fields {
		if !f.keep {
			continue
		}
		if err := put(f.key, f.v); err != nil {
			return nil, fmt.Errorf("evaluate: set %q: %s: %w", s.Set, f.key, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// byK turns a k-keyed map into string keys (encoding/json sorts them as
// strings, so "1000" would precede "200"; the values are what matter).
func byK(m map[int]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[strconv.Itoa(k)] = v
	}
	return out
}

func aucValues(m map[string]AUCResult) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = v.AUC
	}
	return out
}

type aucCI struct {
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Positives int     `json:"positives"`
	Negatives int     `json:"negatives"`
}

func aucIntervals(m map[string]AUCResult) map[string]aucCI {
	out := make(map[string]aucCI, len(m))
	for k, v := range m {
		out[k] = aucCI{v.Lo, v.Hi, v.Positives, v.Negatives}
	}
	return out
}

// WriteJSON writes scores as an indented JSON array, one object per set
// (see SetScore.MarshalJSON).
func WriteJSON(w io.Writer, scores []*SetScore) error {
	if scores == nil {
		scores = []*SetScore{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(scores)
}
