package trainer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// TestProbeLossFalls: the reported loss starts at the untrained model's
// ln 2 per term (Out is zero, so every logit is 0), falls from epoch
// to epoch on a corpus with structure, and is finite at the end, for both
// models; drawing the probe changes no trained vector.
func TestProbeLossFalls(t *testing.T) {
	c := plantedCorpus(4, 5, 6, 300, 0.2)
	for _, m := range []Model{SkipGram, CBOW} {
		cfg := testConfig(m)
		cfg.Epochs = 10
		cfg.Workers = 1
		cfg.ProgressInterval = time.Microsecond
		var losses []float64
		epoch := 0
		_, err := Train(context.Background(), c, cfg, func(p Progress) {
			if p.Epoch != epoch || p.Done {
				losses = append(losses, p.Loss)
				epoch = p.Epoch
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		// Loss is scored before the first epoch and after each; the
		// reports sample it at epoch changes and at the end.
		sh := newShared(c, cfg, 1000, tuning{})
		sh.probe = newProbe(sh, c)
		var terms int
		for _, t := range sh.probe.targets {
			terms += len(t) // the centre and its noise words (a draw of the centre is skipped)
		}
		untrained := float64(terms) / float64(len(sh.probe.targets)) * math.Ln2
		if got := sh.probe.loss(sh); math.Abs(got-untrained) > 1e-9 {
			t.Errorf("%v: untrained probe loss %.4f, want about %.4f", m, got, untrained)
		}
		// The reports come from a timer, so a busy machine may skip the
		// early epochs: the final loss is compared with the untrained
		// model's, never with the first report.
		last := losses[len(losses)-1]
		if math.IsNaN(last) || math.IsInf(last, 0) || !(last < untrained-0.3) {
			t.Errorf("%v: final loss %v, want finite and well below the untrained model's; losses %v", m, last, losses)
		}
		for i := 1; i < len(losses); i++ {
			if losses[i] > losses[i-1]+0.02 {
				t.Errorf("%v: loss rose from %.4f to %.4f (report %d); losses %v", m, losses[i-1], losses[i], i, losses)
			}
		}
	}
}

// TestDivergenceWithFiniteWeights: a run whose weights stay finite but
// whose probe loss ends at more than twice the untrained model's is
// refused as diverged (CBOW at a learning rate of 1 with a window of 100:
// the probe ends near 29 against 4.04), while the same run at 0.5 trains.
func TestDivergenceWithFiniteWeights(t *testing.T) {
	for _, tc := range []struct {
		alpha    float64
		diverged bool
	}{{0.5, false}, {1, true}} {
		c := plantedCorpus(4, 5, 6, 300, 0.2)
		cfg := testConfig(CBOW)
		cfg.Alpha, cfg.Window, cfg.Epochs = tc.alpha, 100, 1
		_, err := Train(context.Background(), c, cfg, nil)
		switch {
		case !tc.diverged && err != nil:
			t.Errorf("alpha %g: %v", tc.alpha, err)
		case tc.diverged && (!errors.Is(err, ErrDiverged) || !strings.Contains(fmt.Sprint(err), "probe loss ended at")):
			t.Errorf("alpha %g: err = %v, want the probe's divergence", tc.alpha, err)
		}
	}
}
