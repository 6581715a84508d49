package trainer

import "math"

// The logistic function is read from a precomputed table, as in word2vec.c
// and gensim: expTable[i] = σ(x_i) at x_i = (2i/expTableSize - 1)·maxExp,
// i.e. expTableSize steps over [-maxExp, maxExp]. logTable[i] = log σ(x_i)
// gives the loss without calling math.Log. A table lookup costs a multiply
// and a load where math.Exp costs tens of nanoseconds; the step (0.012) is
// far below the noise of SGD. Both tables have one spare entry at the top,
// as word2vec.c's has, because float32 rounding of (x + maxExp)·scale can
// reach expTableSize for x just below maxExp.
const (
	expTableSize = 1000
	maxExp       = 6
	// expScale maps x in [-maxExp, maxExp) to a table index: 83.33.
	// word2vec.c and gensim write EXP_TABLE_SIZE / MAX_EXP / 2 in integer
	// arithmetic, which gives 83 and reads their table up to 0.4% off in x
	// (σ off by up to 0.006); we use the exact ratio.
	expScale = float32(expTableSize) / maxExp / 2
)

var expTable, logTable = buildSigmoidTables()

// blockTableSize is the length of the tables logisticBlock reads: the
// expTableSize+1 entries padded to a power of two, so an index masked with
// blockTableSize-1 needs no bounds check.
const blockTableSize = 1024

// sigTable[i] = σ(x_i), lossTable[0][i] = -log(1-σ(x_i)) (the loss of a
// negative) and lossTable[1][i] = -log σ(x_i) (the loss of the observed
// word), at the points x_i of expTable; the padding is never read.
var sigTable, lossTable = buildBlockTables()

func buildBlockTables() (sig *[blockTableSize]float32, loss *[2][blockTableSize]float32) {
	sig, loss = new([blockTableSize]float32), new([2][blockTableSize]float32)
	for i := 0; i <= expTableSize; i++ {
		x := (float64(i)/expTableSize*2 - 1) * maxExp
		sig[i] = expTable[i]
		loss[0][i] = float32(math.Log1p(math.Exp(x)))  // -log(1-σ(x)) = log(1+e^x)
		loss[1][i] = float32(math.Log1p(math.Exp(-x))) // -log σ(x) = log(1+e^-x)
	}
	return sig, loss
}

func buildSigmoidTables() (exp, log *[expTableSize + 1]float32) {
	exp, log = new([expTableSize + 1]float32), new([expTableSize + 1]float32)
	for i := range exp {
		e := math.Exp((float64(i)/expTableSize*2 - 1) * maxExp)
		exp[i] = float32(e / (e + 1))
		log[i] = float32(math.Log(e / (e + 1)))
	}
	return exp, log
}

// logistic returns the SGD step (label - σ(f))·alpha for a prediction with
// logit f and label 1 (the observed word) or 0 (a negative), and adds the
// prediction's loss -log σ(z), z = f for label 1 and -f for label 0
// (gensim's compute_loss), to *loss (a nil loss is not computed).
//
// Inside (-maxExp, maxExp) both come from the tables. Outside, σ is taken
// as 0 or 1, as word2vec.c does (gensim instead skips such predictions;
// the saturated step is the better approximation of the gradient), and the
// loss as its asymptote: 0 for z ≥ maxExp, -z for z ≤ -maxExp. A NaN logit
// (a diverged model) makes the loss NaN and the step 0, so the divergence
// check sees it and nothing indexes the table with NaN.
func logistic(f, label, alpha float32, loss *float64) float32 {
	if f != f {
		if loss != nil {
			*loss = math.NaN()
		}
		return 0
	}
	if loss != nil {
		z := f
		if label == 0 {
			z = -f
		}
		switch {
		case z >= maxExp:
			// loss ≈ 0
		case z <= -maxExp:
			*loss -= float64(z)
		default:
			*loss -= float64(logTable[int((z+maxExp)*expScale)])
		}
	}
	switch {
	case f >= maxExp:
		return (label - 1) * alpha
	case f <= -maxExp:
		return label * alpha
	}
	return (label - expTable[int((f+maxExp)*expScale)]) * alpha
}

// sgConst holds the constants the pair kernels (sgPairAVX512,
// sgPairRegAVX512) read beside their tables: maxExp, -maxExp, expScale,
// the label 1, and the sign bit that negates a logit. sgNaN is the loss
// logistic sets for a NaN logit.
var (
	sgConst = [5]float32{maxExp, -maxExp, expScale, 1, math.Float32frombits(1 << 31)}
	sgNaN   = math.NaN()
)

// sgSigma and sgLogLoss are expTable and logTable with two entries past
// the spare one for sgPairAVX512's branch-free logistic: at sgTableHigh
// (logit >= maxExp) σ = 1 and the loss term 0, at sgTableLow (logit <=
// -maxExp) σ = 0 (the loss term there is the logit itself, chosen by the
// kernel). (label - 1)·alpha and (label - 0)·alpha are the steps logistic
// returns in those cases, so the kernel's results keep its bits.
const (
	sgTableHigh = expTableSize + 1
	sgTableLow  = expTableSize + 2
)

var sgSigma, sgLogLoss [expTableSize + 3]float32

func init() {
	copy(sgSigma[:], expTable[:])
	copy(sgLogLoss[:], logTable[:])
	sgSigma[sgTableHigh], sgLogLoss[sgTableHigh] = 1, 0
	sgSigma[sgTableLow], sgLogLoss[sgTableLow] = 0, 0
}
