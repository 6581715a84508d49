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

// WriteTable writes scores as an aligned text table, one row per set:
// set, codes scored, codes without a label, NMI and AMI at each k, the
// labels' silhouette, precision@N and the AUC of each outcome (with its 95%
// interval). Values not computed print as "-"; category sets print as
// skipped. Notes follow the table.
func WriteTable(w io.Writer, scores []*SetScore) error {
	ks, outcomes, n := tableColumns(scores)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"set", "vectors", "no_label"}
	for _, k := range ks {
		head = append(head, fmt.Sprintf("NMI@%d", k))
	}
	for _, k := range ks {
		head = append(head, fmt.Sprintf("AMI@%d", k))
	}
	head = append(head, "silhouette", fmt.Sprintf("P@%d", n))
	for _, o := range outcomes {
		head = append(head, "AUC "+o)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, s := range scores {
		row := []string{s.Set}
		if s.category {
			row = append(row, "skipped (category vectors)")
			fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
			continue
		}
		row = append(row, strconv.Itoa(s.Vectors), strconv.Itoa(s.Skipped))
		for _, k := range ks {
			row = append(row, fmtScore(s.NMI, k))
		}
		for _, k := range ks {
			row = append(row, fmtScore(s.AMI, k))
		}
		row = append(row, fmtFloat(s.Silhouette), fmtFloat(s.PAtN))
		for _, o := range outcomes {
			if a, ok := s.AUC[o]; ok {
				row = append(row, fmt.Sprintf("%.3f [%.3f, %.3f]", a.AUC, a.Lo, a.Hi))
			} else {
				row = append(row, "-")
			}
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range scores {
		for _, note := range s.Notes {
			if s.category {
				continue
			}
			if _, err := fmt.Fprintf(w, "note: %s: %s\n", s.Set, note); err != nil {
				return err
			}
		}
	}
	return nil
}

// tableColumns returns the union of the ks and outcome names, sorted, and
// the N of precision@N.
func tableColumns(scores []*SetScore) ([]int, []string, int) {
	var ks []int
	var outcomes []string
	n := 10
	for _, s := range scores {
		for k := range s.NMI {
			ks = append(ks, k)
		}
		ks = append(ks, s.SkippedKs...)
		for o := range s.AUC {
			outcomes = append(outcomes, o)
		}
		if s.N > 0 {
			n = s.N
		}
	}
	slices.Sort(ks)
	slices.Sort(outcomes)
	return slices.Compact(ks), slices.Compact(outcomes), n
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
// set, vectors, skipped (codes without a label), labels, nmi and ami
// (objects keyed by k), skipped_k, silhouette, p_at_<N>, auc (outcome ->
// AUC), auc_ci (outcome -> {lo, hi, positives, negatives}), notes; a
// category set has only set, category: true and notes. Values not
// computed are left out.
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
		{"category", true, s.category},
		{"vectors", s.Vectors, !s.category},
		{"skipped", s.Skipped, !s.category},
		{"labels", s.Labels, !s.category},
		{"nmi", byK(s.NMI), len(s.NMI) > 0},
		{"ami", byK(s.AMI), len(s.AMI) > 0},
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
