package corpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
		{"icd-10-cm codes as written", "e11.9 E119 CIR007", []string{"e11.9 E119 CIR007"}, 0,
			[]string{"CIR007", "E119", "e11.9"}, []Kind{KindCategory, KindCode, KindCode}, []int64{1, 1, 1}},
		{"empty", "", nil, 0, []string{}, []Kind{}, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := wordOptions() // made-up tokens (a, x, cir007)
			if tt.name == "basic" || tt.name == "icd-10-cm codes as written" {
				opt = DefaultReadOptions()
			}
			c, rep, err := ReadSequences(context.Background(), strings.NewReader(tt.data), "seqs.txt", opt)
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
	c, _, err := ReadSequences(context.Background(), strings.NewReader(sb.String()), "long.txt", wordOptions())
	if err != nil {
		t.Fatal(err)
	}
	if c.NumSeqs() != 2 || c.Seq(0).Len() != 300000 || c.Seq(1).Len() != 1 {
		t.Errorf("got %d sequences, lengths %d", c.NumSeqs(), c.Seq(0).Len())
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
			c, _, err := ReadSequences(context.Background(), strings.NewReader(sb.String()), "x", wordOptions())
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

// TestReadSequencesParallelMatchesStreaming reads the same bytes with the
// streaming reader and the parallel one cut into many small ranges, and
// wants the same corpus and report.
func TestReadSequencesParallelMatchesStreaming(t *testing.T) {
	var long strings.Builder
	for i := 0; i < 200000; i++ {
		long.WriteString("ABC123 ")
	}
	var distinct strings.Builder // grows the packed-token table, mixes in tokens too long to pack
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&distinct, "T%d LONGTOKEN%d A0 A%s", i, i%7, strings.Repeat(" ", i%3))
		if i%5 == 0 {
			distinct.WriteString("\n")
		}
	}
	inputs := map[string]string{
		"distinct":       distinct.String(),
		"basic":          "E119 I10\nI10 CIR007\n",
		"bom crlf blank": "\ufeffa\tb  c\r\n\r\n   \n\nc\r\nd a\n\n",
		"no final nl":    "x y\nz x",
		"only blank":     "\n\n \n",
		"empty":          "",
		"unicode space":  "a\u00a0b\u2028c\nb\u0085a\n",
		"rejected line":  "a b\n\xff\xfe a\nb c\n",
		"rejected token": "a b\nc A-0\nb c\n",
		"long line":      "q r\n" + long.String() + "\nX q\n",
		"many lines":     strings.Repeat("E119 I10 J45909\nCIR007 E119\n\nZ00 Z01 Z02 Z03\n", 300),
	}
	for name, data := range inputs {
		want, wantRep, err := ReadSequences(context.Background(), strings.NewReader(data), "s.txt", wordOptions())
		if err != nil {
			t.Fatal(err)
		}
		start := int64(0)
		if strings.HasPrefix(data, "\ufeff") {
			start = 3
		}
		for _, parts := range []int{1, 2, 3, 7, 64} {
			for _, minPart := range []int64{1, 5, 1 << 20} {
				got, rep, err := readSequencesParallel(context.Background(), strings.NewReader(data), start, int64(len(data)), "s.txt", wordOptions(), parts, minPart)
				if errors.Is(err, errStreamInstead) {
					// A line is rejected: the streaming reader's answer stands.
					if wantRep.Skipped == 0 {
						t.Errorf("%s parts %d: the parallel reader gave up on a file with no rejected line", name, parts)
					}
					continue
				}
				if wantRep.Skipped > 0 {
					t.Errorf("%s parts %d: the parallel reader read a file with rejected lines itself", name, parts)
				}
				if err != nil {
					t.Fatalf("%s parts %d: %v", name, parts, err)
				}
				if err := got.check(); err != nil {
					t.Fatalf("%s parts %d: %v", name, parts, err)
				}
				if !reflect.DeepEqual(got.Tokens.Int32s(), want.Tokens.Int32s()) && want.Tokens.Len()+got.Tokens.Len() > 0 ||
					!reflect.DeepEqual(got.Seqs, want.Seqs) || !reflect.DeepEqual(got.Visits, want.Visits) ||
					!reflect.DeepEqual(got.SeqVisits, want.SeqVisits) ||
					!reflect.DeepEqual(got.Vocab.Words, want.Vocab.Words) || !reflect.DeepEqual(got.Vocab.Kinds, want.Vocab.Kinds) ||
					!reflect.DeepEqual(got.Vocab.Counts, want.Vocab.Counts) {
					t.Errorf("%s parts %d min %d: corpus differs from the streaming reader's:\n got %v %v %v\nwant %v %v %v",
						name, parts, minPart, got.Vocab.Words, got.Tokens.Int32s(), got.Seqs, want.Vocab.Words, want.Tokens.Int32s(), want.Seqs)
				}
				if !reflect.DeepEqual(rep, wantRep) {
					t.Errorf("%s parts %d min %d: report %+v, want %+v", name, parts, minPart, rep, wantRep)
				}
			}
		}
	}
}

// TestReadSequencesParallelFileChanged: a file rewritten between the two
// passes is refused, not read half.
func TestReadSequencesParallelFileChanged(t *testing.T) {
	ra := &changingReader{data: []byte("a b\nc d\n"), later: []byte("abc def\n")}
	_, _, err := readSequencesParallel(context.Background(), ra, 0, int64(len(ra.data)), "s.txt", wordOptions(), 1, 1)
	if err == nil || !strings.Contains(err.Error(), "s.txt") || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("err = %v, want the file named and 'changed'", err)
	}
}

// changingReader serves data until a read from offset 0 (the first pass)
// has been made, and later from then on.
type changingReader struct {
	data, later []byte
	reads       int
}

func (g *changingReader) ReadAt(p []byte, off int64) (int, error) {
	if off == 0 {
		g.reads++
	}
	d := g.data
	if g.reads > 1 {
		d = g.later
	}
	if off >= int64(len(d)) {
		return 0, io.EOF
	}
	n := copy(p, d[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestSequenceCorpusOneVisitEach: a sequence file's corpus has one visit
// per sequence without storing it twice: Visits is Seqs' array and
// SeqVisits nil (FirstVisit(i) = i), from both readers, after Dedupe and
// MinCount have dropped tokens and sequences, and through a cache.
func TestSequenceCorpusOneVisitEach(t *testing.T) {
	data := "a b a\nc\ne e\nb d d\n\nc c\nb\n"
	// Both readers: the serial one and the parallel one with 3 ranges.
	path := filepath.Join(t.TempDir(), "seqs.txt")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	serial, _, err := ReadSequences(context.Background(), strings.NewReader(data), "seqs.txt", wordOptions())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parallel, _, err := readSequencesParallel(context.Background(), f, 0, int64(len(data)), path, wordOptions(), 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	opt := wordOptions()
	opt.Dedupe, opt.MinCount = true, 2
	pruned, rep, err := ReadFile(context.Background(), path, FormatSequences, opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.EmptySequencesDropped != 1 { // "e e": e is seen once after de-duplication
		t.Errorf("%d sequences dropped, want 1 (%+v)", rep.EmptySequencesDropped, rep)
	}
	cachePath := filepath.Join(t.TempDir(), "c.hvc")
	if err := WriteCache(cachePath, pruned); err != nil {
		t.Fatal(err)
	}
	cached, _, err := ReadFile(context.Background(), cachePath, FormatCache, wordOptions())
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Corpus{"serial": serial, "parallel": parallel, "pruned": pruned, "cached": cached} {
		if err := c.check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if c.SeqVisits != nil || len(c.Visits) != len(c.Seqs) || &c.Visits[0] != &c.Seqs[0] {
			t.Errorf("%s: SeqVisits %v, Visits %v, Seqs %v: want nil and one shared array", name, c.SeqVisits, c.Visits, c.Seqs)
		}
		for i := 0; i <= c.NumSeqs(); i++ {
			if got := c.FirstVisit(i); got != int64(i) {
				t.Errorf("%s: FirstVisit(%d) = %d", name, i, got)
			}
		}
	}
	if got, want := seqStrings(pruned), []string{"b", "c", "b", "c", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pruned sequences %q, want %q", got, want)
	}
	if got, want := seqStrings(cached), seqStrings(pruned); !reflect.DeepEqual(got, want) {
		t.Errorf("cached sequences %q, want %q", got, want)
	}

	// A corpus whose visits differ from its sequences needs SeqVisits.
	bad := &Corpus{Vocab: serial.Vocab, Tokens: serial.Tokens, Seqs: serial.Seqs, Visits: append([]int64{0, 1}, serial.Seqs[1:]...)}
	if err := bad.check(); err == nil {
		t.Error("check accepted two visits in a sequence without SeqVisits")
	}
}

// wordOptions reads test sequence files of made-up tokens (a, ABC123, W17)
// under a code rule that accepts any letters and digits.
func wordOptions() ReadOptions {
	o := DefaultReadOptions()
	sys, err := ParseCodeSystem("regex:[A-Z0-9]+")
	if err != nil {
		panic(err)
	}
	o.CodeSystem = sys
	return o
}
