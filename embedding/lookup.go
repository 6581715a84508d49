package embedding

import "github.com/hiervec/hiervec/corpus"

// Lookup returns the row of token and whether it is present. A code may be
// given with or without its dot and in any case: when the token as given is
// not found, Lookup tries corpus.NormalizeCode(token) ("e11.9" -> "E119").
//
// The token index is built on the first call and rebuilt when the number of
// tokens has changed since.
func (s *Set) Lookup(token string) (int, bool) {
	if s.index == nil || s.indexed != len(s.Tokens) {
		s.reindex()
	}
	if i, ok := s.index[token]; ok {
		return i, true
	}
	if n := corpus.NormalizeCode(token); n != token {
		i, ok := s.index[n]
		return i, ok
	}
	return 0, false
}

// reindex maps each token to its first row.
func (s *Set) reindex() {
	s.index = make(map[string]int, len(s.Tokens))
	s.indexed = len(s.Tokens)
	for i, t := range s.Tokens {
		if _, ok := s.index[t]; !ok {
			s.index[t] = i
		}
	}
}
