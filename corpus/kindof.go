package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// The spelling of hierarchy tokens. A code is letters and digits only
// (NormalizeCode removes the dot), and so is a CCSR category; every other
// hierarchy token carries a character no code or category has (a star or a
// colon), so that the kinds never collide in a vocabulary or an export, and
// KindOf recovers a token's kind from its spelling alone (the word2vec
// formats keep no kinds).
const (
	prefixMark   = "*"
	chapterMark  = "CH:"
	bodySysMark  = "BS:"
	maxChapterNo = 99
)

// PrefixToken returns the token of an ICD-10-CM prefix node: the
// normalised prefix and a star ("E11" -> "E11*").
func PrefixToken(prefix string) string { return prefix + prefixMark }

// ChapterToken returns the token of ICD-10-CM chapter n (1..22): "CH:04".
func ChapterToken(n int) string { return fmt.Sprintf("%s%02d", chapterMark, n) }

// BodySystemToken returns the token of a CCSR body system given by its
// 3-letter abbreviation: "CIR" -> "BS:CIR".
func BodySystemToken(abbrev string) string { return bodySysMark + abbrev }

// KindOf returns the kind a token's spelling tells: a trailing star is
// KindPrefix ("E11*"), "CH:" and a number KindChapter ("CH:04"), "BS:" and
// letters KindBodySystem ("BS:CIR"), three upper-case letters and three
// digits KindCategory ("CIR007"), anything else KindCode. A CCSR-style
// category of another shape (a plain map may name categories freely) is
// not recognised by spelling: readers that know a token is a category say
// so themselves.
func KindOf(tok string) Kind {
	switch {
	case len(tok) > 1 && strings.HasSuffix(tok, prefixMark):
		return KindPrefix
	case strings.HasPrefix(tok, chapterMark):
		if n, err := strconv.Atoi(tok[len(chapterMark):]); err == nil && n >= 1 && n <= maxChapterNo {
			return KindChapter
		}
	case strings.HasPrefix(tok, bodySysMark) && len(tok) > len(bodySysMark):
		return KindBodySystem
	case looksLikeCategory(tok):
		return KindCategory
	}
	return KindCode
}

// ParseKind returns the Kind whose String is name.
func ParseKind(name string) (Kind, error) {
	for k, n := range kindNames {
		if n == name {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("corpus: unknown token kind %q; want one of %s", name, strings.Join(kindNames[:], ", "))
}

// looksLikeCategory reports whether tok has the shape of a CCSR category:
// three upper-case ASCII letters followed by three digits (CIR007, END002).
func looksLikeCategory(tok string) bool {
	if len(tok) != 6 {
		return false
	}
	for i := 0; i < 3; i++ {
		if tok[i] < 'A' || tok[i] > 'Z' {
			return false
		}
	}
	for i := 3; i < 6; i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return false
		}
	}
	return true
}
