// Package med2vec trains Med2Vec (Choi et al., "Multi-layer Representation
// Learning for Medical Concepts", KDD 2016, arXiv:1602.05568; reference
// code github.com/mp2893/med2vec, med2vec.py), the baseline of Finch et al.
// 2021, natively in Go. This documentation is the specification followed:
// the model and objective as the reference code computes them, what we
// changed and why. Issue numbers (#6 ...) are those of the reference
// code's GitHub tracker.
//
// # Model
//
// A visit t is the multi-hot vector x_t of the distinct codes of one date.
// In the reference's row-vector convention, with C codes, code size m
// (CodeDim) and visit size n (VisitDim):
//
//	u_t = ReLU(x_t W_c + b_c)        W_c: C x m   (code level)
//	v_t = ReLU(u_t W_v + b_v)        W_v: m x n   (visit level)
//	ŷ_t = softmax(v_t W_s + b_s)     W_s: n x C
//
// Weights start U(-0.01, 0.01), biases zero. Demographics (the reference's
// optional d_t concatenated to u_t) are not supported: Finch et al. used
// none and the corpus carries none.
//
// # Objective
//
// Visit level: for each offset k = 1..Window and each valid pair (t, t+k)
// of the minibatch, both directions BCE(ŷ_t, x_{t+k}) + BCE(ŷ_{t+k}, x_t),
// where BCE(p, y) = −Σ_j y_j log(p_j+ε) + (1−y_j) log(1−p_j+ε), ε = 1e-8,
// is the reference's binary cross-entropy applied to softmax outputs (not
// a categorical cross-entropy); the offset-k sum is divided by N_k, its
// number of valid pairs, and the offsets are summed.
//
// Code level: for every ordered pair (i, j), i ≠ j, of codes of one visit,
// −log(softmax_k(q_i·q_k)[j] + ε) over all C codes, with Q = ReLU(W_c) (no
// b_c; the same matrix plays the input and output roles, no negative
// sampling), averaged over the M pairs of the minibatch.
//
// The loss of a minibatch is visit + code + λ||W_c||² (L2; only W_c is
// regularised, as in the reference), and every parameter takes one
// Adadelta step (ρ 0.95, ε 1e-6, no learning rate) per minibatch. The
// gradients of this objective (gradient.go) are checked in this package's
// tests against finite differences of an independent float64 transcription
// of the loss.
//
// # Data layout and batching
//
// A minibatch is a contiguous slice of BatchSize visits in corpus order, as
// in the reference (which also never shuffles patients); the batch order
// is reshuffled every epoch from Seed. Visits of one corpus sequence are
// neighbours; the patient boundary is the sequence, i.e. the patient-year
// that every hiervec trainer uses. Finch et al. used one calendar year of
// data, so there a patient-year is the patient, and Med2Vec's "patient
// separator" falls exactly between sequences. On multi-year corpora visits
// of consecutive years of one patient are not paired (with Window 1 this
// loses one pair per year boundary). As in the reference, pairs straddling
// a minibatch boundary are lost, and every code gets a row (no min-count).
// Codes repeated within a visit count once (the multi-hot x_t collapses
// them; we also de-duplicate before forming code pairs).
// The vocabulary is used as is: category tokens of a co-trained corpus are
// treated as codes.
//
// # Pitfalls of the reference and what we changed
//
//   - Softmaxes use log-sum-exp with the row maximum subtracted; the
//     reference's code-level softmax exponentiates the raw Gram matrix and
//     overflows to NaN once the non-negative embeddings grow (issues #6,
//     #22).
//   - A minibatch without any multi-code visit has no code pairs; its code
//     term is 0, where the reference takes the mean of an empty set (NaN;
//     the likely cause of issue #14).
//   - Invalid visit pairs (across a patient boundary) are skipped. The
//     reference costs them through a masked probability: a constant of
//     about 18.4 per target code with zero gradient, which inflates its
//     printed cost (issues #11, #18) without changing training. Our
//     reported loss is the optimised one.
//   - An offset with no valid pair contributes nothing, where the reference
//     divides by N_k + 1e-8 (a relative difference of 1e-8 otherwise).
//   - Batches hold BatchSize real visits; the reference counts its
//     separator rows against the batch size.
//   - The batch order is seeded, so runs are reproducible.
//
// # Exported vectors
//
// The reference saves raw parameters only. ExportReLUBias (default) returns
// ReLU(W_c[c] + b_c), the author's answer for the representation of a code
// (issues #7, #17); ExportReLU returns ReLU(W_c[c]), what the code-level
// objective trains; ExportRaw returns W_c[c]. The non-negative exports can
// have all-zero ("dead") rows, which have no cosine direction.
//
// # Computation and cost
//
// Parameters and activations are float32; losses, softmax normalisers and
// the per-row BCE gradient are accumulated in float64. The dense products
// (minibatch x n times n x C for the output layer and its two backward
// products, and the code-level Q[I]·Qᵀ, A·Q and Aᵀ·Q[I] over the distinct
// source codes I of the minibatch) go through gemmer, a packed, blocked
// SGEMM in the manner of Goto and van de Geijn ("Anatomy of
// High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008): blocks of
// B are packed into 32- (or 16-) column panels, blocks of A into 6-row
// panels (transposition is absorbed by the packing, so NN, NT and TN cost
// the same), and a register-blocked micro-kernel in assembly (AVX-512 6x32
// or AVX2+FMA 6x16, chosen at start-up with golang.org/x/sys/cpu)
// accumulates each 6 x 32 tile of C in registers. Edge tiles are computed
// into a scratch tile, so nothing outside C's window is written. Off amd64,
// or without AVX2+FMA, gemmer calls gonum's blas32.Gemm instead; both paths
// are tested against a float64 oracle. The kernel is deterministic (fixed
// summation order for given shapes), so the per-worker results stay
// reproducible. The
// code-level softmax row of a source code is computed once per minibatch
// and shared by all its pairs, so that term costs 3·|I|·C·m multiply-adds
// instead of the reference's full C x C Gram. Rows with no valid visit
// neighbour skip the visit path entirely. A minibatch is split across
// Workers goroutines (each its share of predicting rows and of source
// codes, with its own gradient buffers); their gradients are summed in
// worker order and one Adadelta step follows, so with a fixed Workers count
// and Seed runs are bit-identical. Memory is the six parameter blocks three
// times (weights and two Adadelta accumulators), one gradient copy per
// worker plus one, and per-worker activations of the minibatch (about
// rows x C and |I| x C floats).
package med2vec
