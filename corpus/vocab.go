package corpus

// Kind tells what a token stands for: a diagnosis code, a CCSR category,
// or another ancestor of codes in the hierarchy. Exports use it to split a
// co-trained run into its code vectors and its hierarchy vectors. KindOf
// tells a token's kind from its spelling (see kindof.go).
type Kind uint8

const (
	// KindCode is an ICD-10-CM diagnosis code (normalised: upper case, no dot).
	KindCode Kind = iota
	// KindCategory is a hierarchy category token such as CCSR's "CIR007".
	KindCategory
	// KindPrefix is an ICD-10-CM tree node above codes, spelled as the
	// normalised prefix and a star: "E11*" (the 3-character category E11),
	// "E116*" (the header E11.6).
	KindPrefix
	// KindChapter is an ICD-10-CM chapter, spelled "CH:" and its two-digit
	// number: "CH:04" (E00-E89).
	KindChapter
	// KindBodySystem is a CCSR body system, spelled "BS:" and the
	// categories' 3-letter prefix: "BS:CIR".
	KindBodySystem

	numKinds = iota
)

var kindNames = [numKinds]string{"code", "category", "prefix", "chapter", "body-system"}

// String returns "code", "category", "prefix", "chapter" or "body-system".
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "unknown"
}

// Vocab maps tokens to dense ids 0..Len()-1 and keeps, per id, the token,
// its kind and its count in the corpus.
type Vocab struct {
	Words  []string
	Kinds  []Kind
	Counts []int64
	index  map[string]int32
}

// NewVocab returns an empty vocabulary.
func NewVocab() *Vocab { return &Vocab{index: make(map[string]int32)} }

// Len returns the number of distinct tokens.
func (v *Vocab) Len() int { return len(v.Words) }

// ID returns the id of word and whether it is present.
func (v *Vocab) ID(word string) (int32, bool) {
	if v.index == nil {
		v.reindex()
	}
	id, ok := v.index[word]
	return id, ok
}

// Add returns the id of word, adding it with the given kind and a zero count
// when it is new.
func (v *Vocab) Add(word string, kind Kind) int32 {
	if v.index == nil {
		v.reindex()
	}
	if id, ok := v.index[word]; ok {
		return id
	}
	id := int32(len(v.Words))
	v.Words = append(v.Words, word)
	v.Kinds = append(v.Kinds, kind)
	v.Counts = append(v.Counts, 0)
	v.index[word] = id
	return id
}

// reindex rebuilds the lookup map from Words (after decoding a cache, or
// when a Vocab was built as a literal).
func (v *Vocab) reindex() {
	v.index = make(map[string]int32, len(v.Words))
	for i, w := range v.Words {
		v.index[w] = int32(i)
	}
}
