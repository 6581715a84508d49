package corpus

// Corpus is a tokenised training corpus held flat in memory: a vocabulary,
// every token of every sequence concatenated in one array (Tokens: 2 bytes
// per token up to 65,536 distinct tokens, 4 beyond), and offsets that cut
// it into sequences (patient-years) and visits (the codes of one calendar
// date). Memory is 2 (or 4) bytes per token plus 8 bytes per sequence and
// per visit, whatever the number of patients.
//
// Sequence i is Tokens[Seqs[i]:Seqs[i+1]]. Visit j is
// Tokens[Visits[j]:Visits[j+1]]. Every sequence boundary is also a visit
// boundary; SeqVisits[i] is the index in Visits of sequence i's first visit,
// so sequence i holds visits SeqVisits[i] .. SeqVisits[i+1]-1.
// A corpus read from a sequence file has one visit per sequence, and its
// Visits may be the very array of Seqs, and its SeqVisits nil (sequence i
// is visit i; FirstVisit answers either way): treat the offsets as
// read-only.
type Corpus struct {
	Vocab *Vocab

	Tokens    Tokens
	Seqs      []int64 // len = NumSeqs()+1, Seqs[0] = 0
	Visits    []int64 // len = NumVisits()+1, Visits[0] = 0
	SeqVisits []int64 // len = NumSeqs()+1, SeqVisits[NumSeqs()] = NumVisits(); or nil: one visit per sequence

	// Years holds the calendar year of each sequence, when known (extracts);
	// nil for sequence files.
	Years []int32

	// Patients holds, for each sequence, the index of its patient in the
	// order patients were first seen, when known (extracts); nil otherwise.
	// Patient identifiers themselves never enter a Corpus, so they can never
	// reach a cache, an output or a log: callers that must join outcomes keep
	// the identifier list returned by the reader next to the corpus.
	Patients []int32
}

// NumSeqs returns the number of sequences.
func (c *Corpus) NumSeqs() int {
	if len(c.Seqs) == 0 {
		return 0
	}
	return len(c.Seqs) - 1
}

// NumVisits returns the number of visits.
func (c *Corpus) NumVisits() int {
	if len(c.Visits) == 0 {
		return 0
	}
	return len(c.Visits) - 1
}

// FirstVisit returns the index in Visits of sequence i's first visit
// (SeqVisits[i]; i itself when SeqVisits is nil). FirstVisit(NumSeqs()) is
// NumVisits().
func (c *Corpus) FirstVisit(i int) int64 {
	if c.SeqVisits == nil {
		return int64(i)
	}
	return c.SeqVisits[i]
}

// Seq returns the tokens of sequence i (sharing the array, not a copy).
func (c *Corpus) Seq(i int) Tokens { return c.Tokens.Slice(int(c.Seqs[i]), int(c.Seqs[i+1])) }

// EndSeq closes a sequence of a corpus being built from src: it ends at
// token n, after the visits appended so far, and keeps the year and the
// patient of src's sequence i where src has them.
func (c *Corpus) EndSeq(src *Corpus, i int, n int) {
	c.Seqs = append(c.Seqs, int64(n))
	c.SeqVisits = append(c.SeqVisits, int64(len(c.Visits)-1))
	if src.Years != nil {
		c.Years = append(c.Years, src.Years[i])
	}
	if src.Patients != nil {
		c.Patients = append(c.Patients, src.Patients[i])
	}
}

// Visit returns the tokens of visit j (sharing the array, not a copy).
func (c *Corpus) Visit(j int) Tokens { return c.Tokens.Slice(int(c.Visits[j]), int(c.Visits[j+1])) }
