package corpus

import (
	"bytes"
	"encoding/binary"
	"hash/crc64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func FuzzReadExtract(f *testing.F) {
	f.Add([]byte("patient_id,date,code\n1,2019-01-01,A00\n1,2019-01-01,B00\n2,2020-01-01,A00\n"), false, 1, false)
	f.Add([]byte("\ufeffsubject_id\tadmittime\ticd_code\ticd_version\r\n1\t2196-02-24 14:38:00\tE119\t10\r\n1\t3/4/2019\t4139\t9\r\n"), true, 2, true)
	f.Add([]byte("patient,date,code\n\"a\nb\",2019-01-01,\"A\"\"0\"\n,x,\n"), false, 1, true)
	f.Fuzz(func(t *testing.T, data []byte, dedupe bool, minCount int, skipBad bool) {
		if got, want := string(appendNormalized(nil, string(data))), NormalizeCode(string(data)); got != want {
			t.Fatalf("appendNormalized = %q, NormalizeCode = %q", got, want)
		}
		opt := ReadOptions{Dedupe: dedupe, MinCount: minCount%4 + 1, SkipBad: skipBad}
		if opt.MinCount < 1 {
			opt.MinCount = 1
		}
		c, rep, err := ReadExtract(bytes.NewReader(data), "fuzz.csv", opt)
		if err != nil {
			return
		}
		if err := c.check(); err != nil {
			t.Fatalf("corpus invariants broken: %v", err)
		}
		if rep.Rows != rep.Accepted+rep.Skipped {
			t.Fatalf("Rows %d != Accepted %d + Skipped %d", rep.Rows, rep.Accepted, rep.Skipped)
		}
		if rep.Tokens != int64(c.Tokens.Len()) {
			t.Fatalf("report tokens %d, corpus %d", rep.Tokens, c.Tokens.Len())
		}
		if got := rep.Accepted - rep.DedupedTokens - rep.DroppedMinCountTokens; got != rep.Tokens {
			t.Fatalf("accepted %d - deduped %d - min-count %d != tokens %d", rep.Accepted, rep.DedupedTokens, rep.DroppedMinCountTokens, rep.Tokens)
		}
	})
}

func FuzzReadSequences(f *testing.F) {
	f.Add([]byte("E119 I10\n\nCIR007 E119\r\n"))
	f.Add([]byte("\ufeff\t\x00 a\vb\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, rep, err := ReadSequences(bytes.NewReader(data), "fuzz.txt")
		if err != nil {
			return
		}
		if err := c.check(); err != nil {
			t.Fatalf("corpus invariants broken: %v", err)
		}
		if rep.Rows != int64(c.NumSeqs()) {
			t.Fatalf("rows %d, sequences %d", rep.Rows, c.NumSeqs())
		}
		if bytes.HasPrefix(data, gzipMagic) {
			return // the parallel reader leaves gzip to the streaming one
		}
		p, prep, err := readSequencesParallel(bytes.NewReader(data), int64(len(data)), "fuzz.txt", 3, 1)
		if err != nil {
			t.Fatalf("parallel reader: %v", err)
		}
		if !slices.Equal(p.Tokens.Int32s(), c.Tokens.Int32s()) || !slices.Equal(p.Seqs, c.Seqs) || !slices.Equal(p.Vocab.Words, c.Vocab.Words) ||
			!slices.Equal(p.Vocab.Counts, c.Vocab.Counts) || prep.BlankLines != rep.BlankLines || prep.Rows != rep.Rows {
			t.Fatalf("parallel reader disagrees: %v %v, streaming %v %v", p.Vocab.Words, p.Tokens.Int32s(), c.Vocab.Words, c.Tokens.Int32s())
		}
	})
}

func FuzzReadCache(f *testing.F) {
	dir := f.TempDir()
	for i, c := range []*Corpus{sampleCorpus(f), mustSequences(f, "a b\nc\n")} {
		p := filepath.Join(dir, "c"+string(rune('0'+i)))
		if err := WriteCache(p, c); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fixSum bool) {
		if fixSum && len(data) >= 8 {
			// Re-seal the checksum so mutations reach the structural checks
			// behind it instead of all failing on the checksum.
			data = binary.LittleEndian.AppendUint64(data[:len(data)-8:len(data)-8], crc64.Checksum(data[:len(data)-8], crcTable))
		}
		c, err := decodeCache(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		if err := c.check(); err != nil {
			t.Fatalf("decoded corpus breaks invariants: %v", err)
		}
		c.LengthStats()
		countPatients(c)
	})
}

func mustSequences(tb testing.TB, s string) *Corpus {
	tb.Helper()
	c, _, err := ReadSequences(strings.NewReader(s), "s")
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
