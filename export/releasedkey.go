package export

import (
	"fmt"
	"strconv"
	"strings"
)

// KeyInfo is what a released-layout key says about its set.
type KeyInfo struct {
	Algorithm  string // "CBOW", "SG" or "Med2Vec"
	CO         bool   // co-trained with the categories (false: SEP, or Med2Vec)
	Categories bool   // category vectors ("_cat"), not code vectors
	Dim        int
	Med2Vec    bool // the Med2Vec baseline: key "Med2Vec_embeddings_<dim>"
}

// ReleasedKey returns the released-layout key of a Word2Vec set:
// ReleasedKey("SG", true, true, 100) == "SG_CO_cat_embeddings_100". For the
// Med2Vec baseline pass algorithm "Med2Vec" (co and categories are then
// ignored): "Med2Vec_embeddings_200".
func ReleasedKey(algorithm string, co bool, categories bool, dim int) string {
	if algorithm == "Med2Vec" {
		return "Med2Vec_embeddings_" + strconv.Itoa(dim)
	}
	var b strings.Builder
	b.WriteString(algorithm)
	if co {
		b.WriteString("_CO")
	} else {
		b.WriteString("_SEP")
	}
	if categories {
		b.WriteString("_cat")
	}
	b.WriteString("_embeddings_")
	b.WriteString(strconv.Itoa(dim))
	return b.String()
}

// ParseReleasedKey parses a key of the released layout,
// <CBOW|SG>_<CO|SEP>[_cat]_embeddings_<dim> or Med2Vec_embeddings_<dim>.
func ParseReleasedKey(key string) (KeyInfo, error) {
	bad := func(why string) (KeyInfo, error) {
		return KeyInfo{}, fmt.Errorf("export: released key %q: %s; want <CBOW|SG>_<CO|SEP>[_cat]_embeddings_<dim> or Med2Vec_embeddings_<dim>", key, why)
	}
	head, dimText, ok := strings.Cut(key, "_embeddings_")
	if !ok {
		return bad(`no "_embeddings_"`)
	}
	dim, err := strconv.Atoi(dimText)
	if err != nil || dim <= 0 || dimText[0] == '+' || dimText[0] == '0' {
		return bad(fmt.Sprintf("dimension %q is not a positive integer", dimText))
	}
	if head == "Med2Vec" {
		return KeyInfo{Algorithm: "Med2Vec", Dim: dim, Med2Vec: true}, nil
	}
	parts := strings.Split(head, "_")
	if len(parts) < 2 || len(parts) > 3 {
		return bad("wrong number of parts before _embeddings_")
	}
	info := KeyInfo{Algorithm: parts[0], Dim: dim}
	if info.Algorithm != "CBOW" && info.Algorithm != "SG" {
		return bad(fmt.Sprintf("algorithm %q is not CBOW, SG or Med2Vec", parts[0]))
	}
	switch parts[1] {
	case "CO":
		info.CO = true
	case "SEP":
	default:
		return bad(fmt.Sprintf("training %q is not CO or SEP", parts[1]))
	}
	if len(parts) == 3 {
		if parts[2] != "cat" {
			return bad(fmt.Sprintf("%q where only \"cat\" may stand", parts[2]))
		}
		info.Categories = true
	}
	return info, nil
}
