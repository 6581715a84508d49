package embedding

import "github.com/hiervec/hiervec/corpus"

// Set is one named set of trained vectors: Tokens[i]'s vector is
// Vectors[i*Dim:(i+1)*Dim]. Codes are held normalised (upper case, no dot);
// exports add the dot where a format wants it.
type Set struct {
	Name    string
	Tokens  []string
	Kinds   []corpus.Kind // same length as Tokens
	Dim     int
	Vectors []float32 // row-major, len(Tokens)*Dim
}

// Vector returns row i (a sub-slice, not a copy).
func (s *Set) Vector(i int) []float32 { return s.Vectors[i*s.Dim : (i+1)*s.Dim] }
