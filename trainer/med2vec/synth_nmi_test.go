package med2vec

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/synth"
)

// synthAMIMargin is the margin by which Med2Vec's AMI@50 against CCSR
// must exceed that of random vectors of the same shape on the synthetic
// extract. Calibration (2,500 patients, dims 64, batch 100, 25 epochs;
// MED2VEC_SYNTH_SEED 1, 2, 3): Med2Vec AMI 0.0116, 0.0086, 0.0110;
// random -0.0035, -0.0029, -0.0014; the smallest margin was 0.0115.
const synthAMIMargin = 0.005

// TestSynthNMIAboveRandom is the acceptance test, and it records
// where the expectation does not hold. On a synthetic extract
// (synth, 2,500 patients) Med2Vec's k-means clusters agree with the
// CCSR categories better than chance: its AMI (which corrects for chance)
// is reliably above that of random vectors, but only by about 0.01, in
// line with Finch et al.'s Table 2 (Med2Vec AMI 0.05 at 600,000 patients).
// Its NMI is BELOW that of random Gaussian vectors (about 0.29 against
// 0.43 at k = 50): NMI rewards the balanced clusters random vectors give,
// and Med2Vec's non-negative vectors form a few large clusters. So the
// test asserts the AMI margin and only logs the NMI.
//
// It trains for about 35 s, beyond the package's test budget: it runs only
// with MED2VEC_SYNTH_NMI=1 (MED2VEC_SYNTH_SEED picks the seed for
// calibration).
func TestSynthNMIAboveRandom(t *testing.T) {
	if testing.Short() || os.Getenv("MED2VEC_SYNTH_NMI") == "" {
		t.Skip("trains Med2Vec on a synthetic extract for about 35 s; set MED2VEC_SYNTH_NMI=1")
	}
	seed := uint64(1)
	if s := os.Getenv("MED2VEC_SYNTH_SEED"); s != "" { // calibration runs
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = v
	}
	scfg := synth.DefaultConfig()
	scfg.Patients = 2500
	scfg.Seed = seed
	var ex, ccsr, oc bytes.Buffer
	if _, err := synth.Generate(scfg, &ex, &ccsr, &oc); err != nil {
		t.Fatal(err)
	}
	c, _, err := corpus.ReadExtract(bytes.NewReader(ex.Bytes()), "extract.csv", corpus.DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	m, err := hierarchy.ReadMap(bytes.NewReader(ccsr.Bytes()), "ccsr.csv")
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.CodeDim, cfg.VisitDim = 64, 64
	cfg.BatchSize = 100 // the reference's advice for small data
	cfg.Epochs = 25
	cfg.Seed = seed
	set, err := Train(context.Background(), c, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	set.Name = "med2vec"
	rnd := &embedding.Set{Name: "random", Tokens: set.Tokens, Kinds: set.Kinds, Dim: set.Dim,
		Vectors: make([]float32, len(set.Vectors))}
	rng := rand.New(rand.NewPCG(seed, 99))
	for i := range rnd.Vectors {
		rnd.Vectors[i] = float32(rng.NormFloat64())
	}
	label := func(tok string) (string, bool) { return m.Category(tok) }
	ecfg := evaluate.DefaultConfig()
	ecfg.Ks, ecfg.Silhouette, ecfg.PAtN, ecfg.Seed = []int{50}, false, 0, seed
	ctx := context.Background()
	got, err := evaluate.ScoreSet(ctx, set, label, ecfg)
	if err != nil {
		t.Fatal(err)
	}
	base, err := evaluate.ScoreSet(ctx, rnd, label, ecfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d: %d codes scored, %d labels; Med2Vec NMI %.4f AMI %.4f; random NMI %.4f AMI %.4f",
		seed, got.Vectors, got.Labels, got.NMI[50], got.AMI[50], base.NMI[50], base.AMI[50])
	if got.Vectors < 500 {
		t.Fatalf("only %d code vectors were scored; the synthetic extract should give thousands", got.Vectors)
	}
	if d := got.AMI[50] - base.AMI[50]; d < synthAMIMargin {
		t.Errorf("AMI@50 %.4f is only %.4f above random vectors' %.4f; want a margin of at least %.3f",
			got.AMI[50], d, base.AMI[50], synthAMIMargin)
	}
}
