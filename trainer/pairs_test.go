package trainer

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// bruteForcePairs enumerates every (b, centre, context) triple: the pairs a
// reduced-window pass visits for each effective window b, averaged over b.
func bruteForcePairs(n, window int) float64 {
	count := 0
	for b := 1; b <= window; b++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if j != i && j >= i-b && j <= i+b {
					count++
				}
			}
		}
	}
	return float64(count) / float64(window)
}

func TestPairsForLength(t *testing.T) {
	tests := []struct {
		n, window int
		want      float64
	}{
		{0, 5, 0},
		{1, 5, 0},
		{2, 1, 2},       // both tokens see each other
		{3, 1, 4},       // 1 + 2 + 1
		{3, 2, 5},       // b=1: 4, b=2: 6
		{4, 100, 11.92}, // b=1: 6, b=2: 10, b>=3: all 12 ordered pairs
		{10, 100, 87.6}, // b=1..8: 18+34+48+60+70+78+84+88, b>=9: all 90 ordered pairs
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("n%d_w%d", tc.n, tc.window), func(t *testing.T) {
			got := pairsForLength(tc.n, tc.window)
			if math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("pairsForLength(%d, %d) = %v, want %v", tc.n, tc.window, got, tc.want)
			}
			if bf := bruteForcePairs(tc.n, tc.window); math.Abs(got-bf) > 1e-9 {
				t.Errorf("pairsForLength(%d, %d) = %v, brute force %v", tc.n, tc.window, got, bf)
			}
		})
	}
	for n := 0; n <= 40; n++ {
		for _, w := range []int{1, 2, 5, 17, 100} {
			if got, bf := pairsForLength(n, w), bruteForcePairs(n, w); math.Abs(got-bf) > 1e-9 {
				t.Fatalf("pairsForLength(%d, %d) = %v, brute force %v", n, w, got, bf)
			}
		}
	}
}

func TestExpectedPairs(t *testing.T) {
	c, _, err := corpus.ReadSequences(context.Background(), strings.NewReader("A00 B00 C00\nA00\nD00 E00 F00 G00 H00 I00 J00 K00 L00 M00\nB00 C00\n"), "seqs", corpus.DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := pairsForLength(3, 100) + pairsForLength(1, 100) + pairsForLength(10, 100) + pairsForLength(2, 100)
	if got := ExpectedPairs(c, 100); math.Abs(got-want) > 1e-9 {
		t.Errorf("ExpectedPairs = %v, want %v", got, want)
	}
	if got := ExpectedPairs(c, 1); got != 4+0+18+2 {
		t.Errorf("ExpectedPairs(window 1) = %v, want 24", got)
	}
}

func ExampleExpectedPairs() {
	c, _, err := corpus.ReadSequences(context.Background(), strings.NewReader("E119 I10 E785 N183\nJ449\n"), "example", corpus.DefaultReadOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	// A patient-year of 4 codes at window 100: nearly all 12 ordered pairs
	// (the draws b = 1 and 2 see fewer); a single code has no context.
	fmt.Printf("%.2f pairs per epoch\n", ExpectedPairs(c, 100))
	// Output: 11.92 pairs per epoch
}
