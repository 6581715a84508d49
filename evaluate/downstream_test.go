package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// buildCorpus makes a corpus of one visit per sequence; tokens starting
// with "CAT" are category tokens.
func buildCorpus(seqs [][]string, years, patients []int32) *corpus.Corpus {
	c := &corpus.Corpus{Vocab: corpus.NewVocab(), Seqs: []int64{0}, Visits: []int64{0}, SeqVisits: []int64{0}, Years: years, Patients: patients}
	for i, s := range seqs {
		for _, w := range s {
			kind := corpus.KindCode
			if strings.HasPrefix(w, "CAT") {
				kind = corpus.KindCategory
			}
			c.Tokens.Append(c.Vocab.Add(w, kind))
		}
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
		c.Visits = append(c.Visits, int64(c.Tokens.Len()))
		c.SeqVisits = append(c.SeqVisits, int64(i+1))
	}
	return c
}

func TestPatientYearVectors(t *testing.T) {
	s := &embedding.Set{Name: "s", Dim: 2,
		Tokens:  []string{"A", "B", "CAT1"},
		Kinds:   []corpus.Kind{corpus.KindCode, corpus.KindCode, corpus.KindCategory},
		Vectors: []float32{1, 0, 0, 2, 9, 9}}
	c := buildCorpus([][]string{{"A", "A", "B"}, {"Z"}, {"A", "CAT1"}}, nil, nil)
	v, has := PatientYearVectors(c, s)
	want := []float32{2.0 / 3, 2.0 / 3, 0, 0, 1, 0}
	for i := range want {
		if math.Abs(float64(v[i]-want[i])) > 1e-6 {
			t.Fatalf("vectors %v, want %v", v, want)
		}
	}
	if fmt.Sprint(has) != "[true false true]" {
		t.Errorf("has %v", has)
	}
}

func TestJoinOutcomes(t *testing.T) {
	o, err := ReadOutcomesFrom(strings.NewReader("patient_id,year,death\np1,2019,1\np2,2019,0\np3,2019,1\n"), "o.csv")
	if err != nil {
		t.Fatal(err)
	}
	c := buildCorpus([][]string{{"A"}, {"A"}, {"B"}}, []int32{2019, 2020, 2019}, []int32{0, 0, 1})
	rows, rep, err := JoinOutcomes(c, []string{"p1", "p2"}, o)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rows) != "[0 -1 1]" {
		t.Errorf("rows %v", rows)
	}
	if rep != (JoinReport{Sequences: 3, Matched: 2, NoOutcome: 1, UnusedRows: 1, OutcomeRows: 3}) {
		t.Errorf("report %+v", rep)
	}
	if _, _, err := JoinOutcomes(buildCorpus([][]string{{"A"}}, nil, nil), nil, o); !errors.Is(err, ErrNoPatients) {
		t.Errorf("sequence-file corpus: err = %v", err)
	}
	if _, _, err := JoinOutcomes(c, []string{"p1"}, o); err == nil || strings.Contains(err.Error(), "p1") {
		t.Errorf("short id list: err = %v (must not name an id)", err)
	}
}

// plantedCohort builds patients whose share of "risky" codes drives the
// first outcome; the second outcome is a coin toss.
func plantedCohort(patients, dim int) (*corpus.Corpus, []string, *Outcomes, *embedding.Set) {
	rng := rand.New(rand.NewPCG(31, 32))
	const codes = 40
	s := &embedding.Set{Name: fmt.Sprintf("SG_SEP_embeddings_%d", dim), Dim: dim}
	for k := range codes {
		s.Tokens = append(s.Tokens, fmt.Sprintf("K%02d", k))
		s.Kinds = append(s.Kinds, corpus.KindCode)
		for j := range dim {
			v := rng.NormFloat64() * 0.3
			if j == 0 {
				v += map[bool]float64{true: 1, false: -1}[k < codes/2] // risky codes first
			}
			s.Vectors = append(s.Vectors, float32(v))
		}
	}
	var seqs [][]string
	var years, pidx []int32
	ids := make([]string, patients)
	var csv strings.Builder
	csv.WriteString("patient_id,year,death,coin\n")
	for p := range patients {
		ids[p] = fmt.Sprintf("MRN%07d", p)
		risk := rng.Float64()
		var seq []string
		risky := 0
		for range 3 + rng.IntN(6) {
			k := codes/2 + rng.IntN(codes/2)
			if rng.Float64() < risk {
				k = rng.IntN(codes / 2)
				risky++
			}
			seq = append(seq, s.Tokens[k])
		}
		seqs = append(seqs, seq)
		years = append(years, 2019)
		pidx = append(pidx, int32(p))
		death := rng.Float64() < sigmoid(8*(float64(risky)/float64(len(seq))-0.5))
		fmt.Fprintf(&csv, "%s,2019,%d,%d\n", ids[p], b2i(death), b2i(rng.IntN(2) == 1))
	}
	o, err := ReadOutcomesFrom(strings.NewReader(csv.String()), "planted.csv")
	if err != nil {
		panic(err)
	}
	return buildCorpus(seqs, years, pidx), ids, o, s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestDownstreamPlanted(t *testing.T) {
	c, ids, o, s := plantedCohort(3000, 6)
	d, err := NewDownstream(c, ids, o, DefaultDownstreamConfig())
	if err != nil {
		t.Fatal(err)
	}
	if d.Join.Matched != 3000 {
		t.Errorf("join %+v", d.Join)
	}
	auc, notes, err := d.Score(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes %q", notes)
	}
	death, coin := auc["death"], auc["coin"]
	if death.AUC < 0.8 || !(death.Lo <= death.AUC && death.AUC <= death.Hi) {
		t.Errorf("death %+v: want AUC > 0.8 inside its interval", death)
	}
	if math.Abs(coin.AUC-0.5) > 0.07 || coin.Lo > 0.5 || coin.Hi < 0.5 {
		t.Errorf("coin %+v: want chance level, interval covering 0.5", coin)
	}
	// Stratified 30% test part: 900 patient-years.
	if n := death.Positives + death.Negatives; n != 900 {
		t.Errorf("test part has %d rows, want 900", n)
	}
	// Same seed, same numbers; the split is shared by every set.
	again, _, _ := d.Score(context.Background(), s)
	if again["death"] != death {
		t.Errorf("rerun %+v, first %+v", again["death"], death)
	}
}

func TestDownstreamErrors(t *testing.T) {
	c, _, o, _ := plantedCohort(20, 6)
	other := make([]string, 20)
	for i := range other {
		other[i] = fmt.Sprint("X", i)
	}
	if _, err := NewDownstream(c, other, o, DefaultDownstreamConfig()); err == nil || !strings.Contains(err.Error(), "none of 20") {
		t.Errorf("no match: err = %v", err)
	}
	bad := DefaultDownstreamConfig()
	bad.TestFraction, bad.Bootstrap = 1, -1
	if err := bad.Validate(); err == nil || len(err.(interface{ Unwrap() []error }).Unwrap()) < 2 {
		t.Errorf("Validate = %v", err)
	}
}

// BenchmarkDownstreamScore scores one set of 100-dimensional vectors on a
// cohort of 25,000 patient-years (the size hiervec synth makes for 20,000
// patients): patient vectors, two logistic regressions, 200 bootstrap
// resamples each.
func BenchmarkDownstreamScore(b *testing.B) {
	c, ids, o, s := plantedCohort(25000, 100)
	d, err := NewDownstream(c, ids, o, DefaultDownstreamConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := d.Score(context.Background(), s); err != nil {
			b.Fatal(err)
		}
	}
}
