package evaluate

import (
	"errors"
	"fmt"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// PatientYearVectors returns, row-major with s.Dim values per sequence of
// c, the mean of the vectors of the sequence's code tokens that s holds
// (each occurrence counts, so a code coded twice weighs twice), and for each
// sequence whether it had at least one such code. Category tokens (of a
// co-trained corpus) and codes absent from s are left out. Sums are taken in
// float64.
func PatientYearVectors(c *corpus.Corpus, s *embedding.Set) ([]float32, []bool) {
	dim := s.Dim
	rowOf := make([]int32, c.Vocab.Len())
	for id, w := range c.Vocab.Words {
		rowOf[id] = -1
		if c.Vocab.Kinds[id] != corpus.KindCode {
			continue
		}
		if r, ok := s.Lookup(w); ok && s.Kinds[r] == corpus.KindCode {
			rowOf[id] = int32(r)
		}
	}
	ns := c.NumSeqs()
	out := make([]float32, ns*dim)
	has := make([]bool, ns)
	sum := make([]float64, dim)
	for i := range ns {
		clear(sum)
		cnt := 0
		for _, tok := range c.Seq(i).All() {
			r := rowOf[tok]
			if r < 0 {
				continue
			}
			for j, v := range s.Vector(int(r)) {
				sum[j] += float64(v)
			}
			cnt++
		}
		if cnt == 0 {
			continue
		}
		has[i] = true
		dst := out[i*dim : (i+1)*dim]
		for j, v := range sum {
			dst[j] = float32(v / float64(cnt))
		}
	}
	return out, has
}

// JoinReport counts what joining outcomes to a corpus's sequences did.
type JoinReport struct {
	Sequences   int `json:"sequences"`    // patient-years in the corpus
	Matched     int `json:"matched"`      // with an outcome row
	NoOutcome   int `json:"no_outcome"`   // without an outcome row (left out)
	UnusedRows  int `json:"unused_rows"`  // outcome rows matching no sequence
	OutcomeRows int `json:"outcome_rows"` // rows in the outcomes file
}

// ErrNoPatients is returned when a corpus carries no patient or year per
// sequence (a sequence file), so outcomes cannot be joined to it.
var ErrNoPatients = errors.New("corpus has no patient ids and years")

// JoinOutcomes returns, for each sequence of c, the row of o with the same
// (patient id, year), or -1; patientIDs is the reader's identifier list
// (corpus.ReadReport.PatientIDs), indexed by c.Patients.
func JoinOutcomes(c *corpus.Corpus, patientIDs []string, o *Outcomes) ([]int, JoinReport, error) {
	ns := c.NumSeqs()
	rep := JoinReport{Sequences: ns, OutcomeRows: o.Len()}
	if len(c.Patients) != ns || len(c.Years) != ns {
		return nil, rep, fmt.Errorf("evaluate: join outcomes: %w (read an extract, not a sequence file)", ErrNoPatients)
	}
	rows := make([]int, ns)
	used := make([]bool, o.Len())
	for i := range ns {
		p := int(c.Patients[i])
		if p < 0 || p >= len(patientIDs) {
			return nil, rep, fmt.Errorf("evaluate: join outcomes: sequence %d has patient index %d of %d identifiers; pass the identifiers of the reader that built the corpus", i, p, len(patientIDs))
		}
		r, ok := o.Row(patientIDs[p], c.Years[i])
		if !ok {
			rows[i] = -1
			rep.NoOutcome++
			continue
		}
		rows[i] = r
		rep.Matched++
		used[r] = true
	}
	for _, u := range used {
		if !u {
			rep.UnusedRows++
		}
	}
	return rows, rep, nil
}
