package corpus

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadSequences(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		want      []string
		blank     int64
		words     []string
		kinds     []Kind
		wantCount []int64
	}{
		{"basic", "E119 I10\nI10 CIR007\n", []string{"E119 I10", "I10 CIR007"}, 0,
			[]string{"I10", "CIR007", "E119"}, []Kind{KindCode, KindCategory, KindCode}, []int64{2, 1, 1}},
		{"blank lines, tabs, CRLF, BOM", "\ufeffa\tb  c\r\n\r\n   \n\nc\r\n", []string{"a b c", "c"}, 3,
			[]string{"c", "a", "b"}, []Kind{KindCode, KindCode, KindCode}, []int64{2, 1, 1}},
		{"no final newline", "x y", []string{"x y"}, 0, []string{"x", "y"}, []Kind{KindCode, KindCode}, []int64{1, 1}},
		{"tokens not normalised", "e11.9 E119 cir007", []string{"e11.9 E119 cir007"}, 0,
			[]string{"E119", "cir007", "e11.9"}, []Kind{KindCode, KindCode, KindCode}, []int64{1, 1, 1}},
		{"empty", "", nil, 0, []string{}, []Kind{}, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rep, err := ReadSequences(strings.NewReader(tt.data), "seqs.txt")
			if err != nil {
				t.Fatal(err)
			}
			if err := c.check(); err != nil {
				t.Fatal(err)
			}
			if got := seqStrings(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sequences = %q, want %q", got, tt.want)
			}
			if rep.BlankLines != tt.blank || rep.Rows != int64(len(tt.want)) || rep.PatientYears != int64(len(tt.want)) {
				t.Errorf("report %+v", rep)
			}
			if !reflect.DeepEqual(c.Vocab.Words, tt.words) || !reflect.DeepEqual(c.Vocab.Kinds, tt.kinds) || !reflect.DeepEqual(c.Vocab.Counts, tt.wantCount) {
				t.Errorf("vocab %v %v %v, want %v %v %v", c.Vocab.Words, c.Vocab.Kinds, c.Vocab.Counts, tt.words, tt.kinds, tt.wantCount)
			}
			if c.Years != nil || c.Patients != nil {
				t.Error("a sequence file must not invent years or patients")
			}
		})
	}
}

func TestReadSequencesLongLine(t *testing.T) {
	// A line longer than the 1 MiB read buffer.
	var sb strings.Builder
	for i := 0; i < 300000; i++ {
		sb.WriteString("ABCDEF ")
	}
	sb.WriteString("\nX\n")
	c, _, err := ReadSequences(strings.NewReader(sb.String()), "long.txt")
	if err != nil {
		t.Fatal(err)
	}
	if c.NumSeqs() != 2 || len(c.Seq(0)) != 300000 || len(c.Seq(1)) != 1 {
		t.Errorf("got %d sequences, lengths %d", c.NumSeqs(), len(c.Seq(0)))
	}
}

func TestLengthStats(t *testing.T) {
	tests := []struct {
		name string
		lens []int
		want LengthStats
	}{
		{"empty", nil, LengthStats{}},
		{"one", []int{4}, LengthStats{Seqs: 1, Median: 4, Mean: 4, P90: 4, P99: 4, Max: 4}},
		{"even", []int{1, 2, 3, 10}, LengthStats{Seqs: 4, Median: 2.5, Mean: 4, P90: 10, P99: 10, Max: 10}},
		{"hundred", seqLens(100), LengthStats{Seqs: 100, Median: 50.5, Mean: 50.5, P90: 90, P99: 99, Max: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			for _, n := range tt.lens {
				sb.WriteString(strings.Repeat("a ", n) + "\n")
			}
			c, _, err := ReadSequences(strings.NewReader(sb.String()), "x")
			if err != nil {
				t.Fatal(err)
			}
			if got := c.LengthStats(); got != tt.want {
				t.Errorf("LengthStats = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// seqLens returns 1..n in a shuffled-looking order.
func seqLens(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = (i*37)%n + 1
	}
	return out
}
