package hierarchy

import (
	"encoding/json"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/internal/shareddata"
)

func TestChapter(t *testing.T) {
	for _, tt := range []struct {
		code string
		num  int
		ok   bool
	}{
		{"A000", 1, true}, {"B99", 1, true}, {"C000", 2, true}, {"D499", 2, true}, {"D500", 3, true},
		{"E119", 4, true}, {"F0390", 5, true}, {"H5900", 7, true}, {"H6000", 8, true}, {"I10", 9, true},
		{"O9A111", 15, true}, {"O99891", 15, true}, {"S72001A", 19, true}, {"T8889XA", 19, true},
		{"V0001XA", 20, true}, {"Y999", 20, true}, {"Z3A01", 21, true}, {"U071", 22, true},
		{"E95", 0, false}, {"T89", 0, false}, {"F00", 0, false}, {"U86", 0, false}, {"A0", 0, false},
		{"", 0, false}, {"1A00", 0, false}, {"CIR007", 0, false},
	} {
		t.Run(tt.code, func(t *testing.T) {
			ch, ok := Chapter(tt.code)
			if ok != tt.ok || ch.Number != tt.num {
				t.Fatalf("Chapter(%q) = %d %v; want %d %v", tt.code, ch.Number, ok, tt.num, tt.ok)
			}
			if ok && (tt.code[:3] < ch.First() || tt.code[:3] > ch.Last()) {
				t.Fatalf("%s outside %s", tt.code, ch.Range)
			}
		})
	}
	if n := len(Chapters()); n != 22 {
		t.Fatalf("%d chapters", n)
	}
}

// TestChapterFY2021 checks every FY2021 billable code against the chapter
// it sits under in icd-codex's FY2021 hierarchy tree.
func TestChapterFY2021(t *testing.T) {
	for _, c := range readFY2021Codes(t) {
		if _, ok := Chapter(c); !ok {
			t.Fatalf("FY2021 code %s has no chapter", c)
		}
	}
	zr := shareddata.Open(t, "icd10cm/icd-codex_icd-10-2021-hierarchy.json.gz")
	type node struct {
		ID       string  `json:"id"`
		Children []*node `json:"children"`
	}
	var doc struct {
		Tree node `json:"tree"`
	}
	if err := json.NewDecoder(zr).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Tree.Children) != 22 {
		t.Fatalf("tree has %d chapters", len(doc.Tree.Children))
	}
	leaves := 0
	for i, chNode := range doc.Tree.Children {
		want := Chapters()[i]
		if chNode.ID != want.Title+" ("+want.Range+")" {
			t.Errorf("chapter %d: tree %q; want %q (%s)", i+1, chNode.ID, want.Title, want.Range)
		}
		var walk func(n *node)
		walk = func(n *node) {
			if len(n.Children) == 0 {
				leaves++
				code := corpus.NormalizeCode(n.ID)
				if got, ok := Chapter(code); !ok || got.Number != want.Number {
					t.Errorf("%s: chapter %d (%v); tree says %d %s", n.ID, got.Number, ok, want.Number, want.Range)
				}
				return
			}
			for _, c := range n.Children {
				walk(c)
			}
		}
		walk(chNode)
	}
	if leaves != 72621 {
		t.Errorf("tree has %d leaf codes; want 72621", leaves)
	}
}
