package embedding

import (
	"errors"
	"fmt"
	"math"

	"github.com/hiervec/hiervec/corpus"
)

// Set is one named set of trained vectors: Tokens[i]'s vector is
// Vectors[i*Dim:(i+1)*Dim]. Codes are held normalised (upper case, no dot);
// exports add the dot where a format wants it.
//
// A Set is a plain value: fill the exported fields, then call Validate.
// Lookup and Nearest build an index and a table of norms on first use;
// build them before sharing a Set between goroutines (call Lookup and
// Nearest once), and do not change Tokens or Vectors after that.
type Set struct {
	Name    string
	Tokens  []string
	Kinds   []corpus.Kind // same length as Tokens
	Dim     int
	Vectors []float32 // row-major, len(Tokens)*Dim

	index   map[string]int // token -> row, built by Lookup
	indexed int            // len(Tokens) when index was built
	norms   []float32      // L2 norm of each row, built by Nearest
}

// Vector returns row i (a sub-slice, not a copy).
func (s *Set) Vector(i int) []float32 { return s.Vectors[i*s.Dim : (i+1)*s.Dim] }

// Len returns the number of tokens (rows).
func (s *Set) Len() int { return len(s.Tokens) }

// maxReported bounds how many problems of one kind Validate lists.
const maxReported = 5

// Validate checks that the fields agree: one kind per token, Dim floats per
// token, a positive Dim when there are tokens, no duplicate token and no
// NaN or infinite value. It reports every kind of problem at once.
func (s *Set) Validate() error {
	var errs []error
	name := s.Name
	if s.Dim < 0 {
		errs = append(errs, fmt.Errorf("embedding: set %q: negative dimension %d", name, s.Dim))
	}
	if s.Dim == 0 && len(s.Tokens) > 0 {
		errs = append(errs, fmt.Errorf("embedding: set %q: dimension 0 with %d tokens; each token needs a vector of at least one value", name, len(s.Tokens)))
	}
	if len(s.Kinds) != len(s.Tokens) {
		errs = append(errs, fmt.Errorf("embedding: set %q: %d kinds for %d tokens; Kinds needs one entry per token", name, len(s.Kinds), len(s.Tokens)))
	}
	if s.Dim >= 0 && len(s.Vectors) != len(s.Tokens)*s.Dim {
		errs = append(errs, fmt.Errorf("embedding: set %q: %d floats, want %d tokens x %d dimensions = %d", name, len(s.Vectors), len(s.Tokens), s.Dim, len(s.Tokens)*s.Dim))
	}
	seen := make(map[string]int, len(s.Tokens))
	dups := 0
	for i, t := range s.Tokens {
		if j, ok := seen[t]; ok {
			if dups < maxReported {
				errs = append(errs, fmt.Errorf("embedding: set %q: token %q at rows %d and %d: %w", name, t, j, i, ErrDuplicateToken))
			}
			dups++
			continue
		}
		seen[t] = i
	}
	if dups > maxReported {
		errs = append(errs, fmt.Errorf("embedding: set %q: %d more duplicate tokens", name, dups-maxReported))
	}
	bad := 0
	for i, v := range s.Vectors {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			if bad < maxReported {
				row, col := i, 0
				if s.Dim > 0 {
					row, col = i/s.Dim, i%s.Dim
				}
				tok := ""
				if row < len(s.Tokens) {
					tok = s.Tokens[row]
				}
				errs = append(errs, fmt.Errorf("embedding: set %q: token %q (row %d) value %d is %v: %w", name, tok, row, col, v, ErrNonFinite))
			}
			bad++
		}
	}
	if bad > maxReported {
		errs = append(errs, fmt.Errorf("embedding: set %q: %d more non-finite values", name, bad-maxReported))
	}
	return errors.Join(errs...)
}

// Sentinel errors that callers may test with errors.Is.
var (
	// ErrDuplicateToken: a token occurs twice in one set.
	ErrDuplicateToken = errors.New("duplicate token")
	// ErrNonFinite: a vector holds NaN or an infinity.
	ErrNonFinite = errors.New("non-finite value")
	// ErrUnknownToken: a looked-up token is not in the set.
	ErrUnknownToken = errors.New("unknown token")
)

// Normalized returns a copy of s whose rows have unit L2 norm, so that a dot
// product of two rows is their cosine similarity. Rows of norm zero stay
// zero. Tokens and Kinds are shared with s (they are not modified).
func (s *Set) Normalized() *Set {
	out := &Set{Name: s.Name, Tokens: s.Tokens, Kinds: s.Kinds, Dim: s.Dim, Vectors: make([]float32, len(s.Vectors))}
	for i := range s.Len() {
		src, dst := s.Vector(i), out.Vector(i)
		n := norm(src)
		if n == 0 {
			continue
		}
		inv := 1 / n
		for j, v := range src {
			dst[j] = float32(float64(v) * inv)
		}
	}
	return out
}

// Subset returns a new set holding, in order, the rows i for which keep(i)
// is true (the code rows of a co-trained run, say). Vectors are copied
// into slices of the exact size (keep is called twice per row), so that
// splitting a large set costs its size and no growth garbage.
func (s *Set) Subset(keep func(i int) bool) *Set {
	n := 0
	for i := range s.Len() {
		if keep(i) {
			n++
		}
	}
	out := &Set{Name: s.Name, Dim: s.Dim,
		Tokens: make([]string, 0, n), Kinds: make([]corpus.Kind, 0, n), Vectors: make([]float32, 0, n*s.Dim)}
	for i := range s.Len() {
		if !keep(i) {
			continue
		}
		out.Tokens = append(out.Tokens, s.Tokens[i])
		out.Kinds = append(out.Kinds, s.Kinds[i])
		out.Vectors = append(out.Vectors, s.Vector(i)...)
	}
	return out
}

// norm returns the L2 norm of v, accumulated in float64.
func norm(v []float32) float64 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum)
}
