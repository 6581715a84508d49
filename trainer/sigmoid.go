package trainer

import "math"

// The logistic function σ(x) = 1/(1+e^-x) and log σ(x) are read from one
// pair of tables, as in word2vec.c and gensim: entry i holds the value at
// x_i = (2i/expTableSize - 1)·maxExp, expTableSize steps over [-maxExp,
// maxExp], and x is looked up at index int((x + maxExp)·expScale). A
// lookup costs a multiply and a load where math.Exp costs tens of
// nanoseconds; the step (0.012 in x, so σ within 0.003 and log σ within
// 0.012) is far below the noise of SGD. Outside (-maxExp, maxExp) σ is
// taken as 0 or 1 (logistic, sgns.go).
//
// Entry expTableSize is a spare, as in word2vec.c: float32 rounding of
// (x + maxExp)·expScale can reach it for x just below maxExp. Two more
// entries serve the assembly pair kernels' branch-free logistic
// (kernels_amd64.s): a logit at or above maxExp reads sigTableHigh (σ = 1,
// log σ = 0), one at or below -maxExp sigTableLow (σ = 0; the kernel takes
// the loss there from the logit itself), which give the same steps and
// losses as logistic's branches.
const (
	expTableSize = 1000
	maxExp       = 6
	// expScale maps x in [-maxExp, maxExp) to a table index: 83.33.
	// word2vec.c and gensim write EXP_TABLE_SIZE / MAX_EXP / 2 in integer
	// arithmetic, which gives 83 and reads their table up to 0.4% off in x
	// (σ off by up to 0.006); we use the exact ratio.
	expScale = float32(expTableSize) / maxExp / 2

	sigTableHigh = expTableSize + 1
	sigTableLow  = expTableSize + 2
	sigTableLen  = expTableSize + 3
)

// sigTable[i] = σ(x_i) and logSigTable[i] = log σ(x_i), i = 0..expTableSize,
// then the saturated entries sigTableHigh and sigTableLow.
var sigTable, logSigTable = buildSigmoidTables()

func buildSigmoidTables() (sig, logSig [sigTableLen]float32) {
	for i := 0; i <= expTableSize; i++ {
		e := math.Exp((float64(i)/expTableSize*2 - 1) * maxExp)
		sig[i] = float32(e / (e + 1))
		logSig[i] = float32(math.Log(e / (e + 1)))
	}
	sig[sigTableHigh], logSig[sigTableHigh] = 1, 0
	sig[sigTableLow], logSig[sigTableLow] = 0, 0
	return sig, logSig
}

// sgConst holds the constants the assembly pair kernels read beside the
// tables: maxExp, -maxExp, expScale, the label 1, and the sign bit that
// negates a logit. sgNaN is the loss logistic sets for a NaN logit.
var (
	sgConst = [5]float32{maxExp, -maxExp, expScale, 1, math.Float32frombits(1 << 31)}
	sgNaN   = math.NaN()
)
