package corpus

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/input"
)

// fuzzSentinel stands for a patient identifier. The fuzz targets write it
// wherever the input has an '@' (seeds put it in patient fields; the fuzzer
// moves it anywhere), and assert that it never reaches an error's text or a
// token. It fails every rule under which a message may quote a value: it is
// not a date, not an ICD-10-CM code, and its run of five digits keeps it
// from passing for a column name.
const fuzzSentinel = "PAT-SECRET-98765"

// withSentinel replaces every '@' of data by fuzzSentinel.
func withSentinel(data []byte) []byte {
	return bytes.ReplaceAll(data, []byte("@"), []byte(fuzzSentinel))
}

// assertNoSentinel fails when err's text or a word of c holds the sentinel
// (or its distinctive middle, in case a message cut it: a quoted value is
// cut to 12 characters).
func assertNoSentinel(t *testing.T, err error, c *Corpus) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("error text reveals the sentinel: %v", err)
	}
	if c != nil {
		for _, w := range c.Vocab.Words {
			if strings.Contains(w, "SECRET") {
				t.Fatalf("token %q holds the sentinel", w)
			}
		}
	}
}

func FuzzReadExtract(f *testing.F) {
	f.Add([]byte("patient_id,date,code\n@,2019-01-01,A00\n@,2019-01-01,B00\n2,2020-01-01,A00\n"), false, 1, false)
	f.Add([]byte("\ufeffsubject_id\tadmittime\ticd_code\ticd_version\r\n@\t2196-02-24 14:38:00\tE119\t10\r\n1\t3/4/2019\t4139\t9\r\n"), true, 2, true)
	f.Add([]byte("patient,date,code\n\"a\nb\",2019-01-01,\"A\"\"0\"\n,x,\n"), false, 1, true)
	f.Add([]byte("@,2019-01-01,E11.9\n@,2019-01-02,I10\n"), false, 1, false)                                         // no header
	f.Add([]byte("patient_id|date|code\n@|2019-01-01|E11.9\n"), false, 1, false)                                     // pipes
	f.Add([]byte("patient_id,name,date,code\n@,Smith, John,2019-01-01,E11.9\n"), false, 1, true)                     // unquoted comma
	f.Add([]byte("patient_id,date,code\nE11.9,2019-01-01,@\nI10,2019-01-02,@\n"), false, 1, true)                    // swapped
	f.Add([]byte("patient_id,date,code\n@,@,E11.9\n@,2019-01-01,E11.9 @\n@,2019-01-01,\"E1\n@\"\n"), false, 1, true) // the sentinel elsewhere
	f.Add([]byte("patient_id,date,code\n1,@,E11.9\n"), false, 1, false)                                              // in the date column
	f.Add([]byte("name,patient_id,date,code\nSmith, John,@,2019-01-01,E11.9\n"), false, 1, false)                    // shifted into it
	f.Add([]byte("patient_id,date,code,@\n"), false, 1, false)                                                       // in the header
	f.Fuzz(func(t *testing.T, data []byte, dedupe bool, minCount int, skipBad bool) {
		data = withSentinel(data)
		if got, dot, ok := appendCode(nil, string(data)); ok {
			if want := NormalizeCode(string(data)); string(got) != want {
				t.Fatalf("appendCode = %q, NormalizeCode = %q", got, want)
			}
			if dot >= 0 && trimSpace(string(data))[dot] != '.' {
				t.Fatalf("appendCode: dot at %d of %q", dot, data)
			}
		}
		opt := ReadOptions{Dedupe: dedupe, MinCount: minCount%4 + 1, SkipBad: skipBad}
		if opt.MinCount < 1 {
			opt.MinCount = 1
		}
		c, rep, err := ReadExtract(context.Background(), bytes.NewReader(data), "fuzz.csv", opt)
		assertNoSentinel(t, err, c)
		if err != nil {
			return
		}
		if err := c.check(); err != nil {
			t.Fatalf("corpus invariants broken: %v", err)
		}
		for _, w := range c.Vocab.Words {
			if !ICD10CM.Valid(w) {
				t.Fatalf("token %q is not an ICD-10-CM code", w)
			}
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
	f.Add([]byte("E119 I10\n\nCIR007 E119\r\n"), false)
	f.Add([]byte("\ufeff\t\x00 a\vb\n"), false)
	f.Add([]byte("@ E119\nI10 @\n"), false)
	f.Add([]byte("@,2019-01-01,E11.9\n"), false)
	f.Add([]byte(strings.Repeat("E119 I10\n", 30)+"@\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, list bool) {
		data = withSentinel(data)
		opt := DefaultReadOptions()
		if list {
			opt.CodeList = NewCodeList("E119", "I10", "J45", "A00")
		}
		c, rep, err := ReadSequences(context.Background(), bytes.NewReader(data), "fuzz.txt", opt)
		assertNoSentinel(t, err, c)
		if err == nil {
			if err := c.check(); err != nil {
				t.Fatalf("corpus invariants broken: %v", err)
			}
			if rep.Accepted != int64(c.NumSeqs()) || rep.Rows != rep.Accepted+rep.Skipped {
				t.Fatalf("rows %d, accepted %d, skipped %d, sequences %d", rep.Rows, rep.Accepted, rep.Skipped, c.NumSeqs())
			}
		}
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			return // the parallel reader leaves gzip to the streaming one
		}
		start := int64(0)
		if bytes.HasPrefix(data, []byte("\ufeff")) {
			start = 3
		}
		head := data[start:]
		if len(head) > input.SniffBytes {
			head = head[:input.SniffBytes]
		}
		if input.Sniff(head) != nil {
			return // input.Open refuses it before any reader
		}
		p, prep, perr := readSequencesParallel(context.Background(), bytes.NewReader(data), start, int64(len(data)), "fuzz.txt", opt, 3, 1)
		assertNoSentinel(t, perr, p)
		switch {
		case errors.Is(perr, errStreamInstead):
			if err == nil && rep.Skipped == 0 {
				t.Fatalf("the parallel reader gave up on a file the streaming one read without rejections")
			}
		case perr != nil:
			t.Fatalf("parallel reader: %v", perr)
		case err != nil || rep.Skipped > 0:
			t.Fatalf("the parallel reader read a file the streaming one rejected lines of (%v)", err)
		case !slices.Equal(p.Tokens.Int32s(), c.Tokens.Int32s()) || !slices.Equal(p.Seqs, c.Seqs) || !slices.Equal(p.Vocab.Words, c.Vocab.Words) ||
			!slices.Equal(p.Vocab.Counts, c.Vocab.Counts) || prep.BlankLines != rep.BlankLines || prep.Rows != rep.Rows ||
			prep.NotInCodeList != rep.NotInCodeList || prep.NotInCodeListCodes != rep.NotInCodeListCodes:
			t.Fatalf("parallel reader disagrees: %v %v, streaming %v %v", p.Vocab.Words, p.Tokens.Int32s(), c.Vocab.Words, c.Tokens.Int32s())
		}
	})
}

func FuzzReadCache(f *testing.F) {
	dir := f.TempDir()
	// An old cache may hold anything as a word, an identifier included.
	leaky := sampleCorpus(f)
	leaky.Vocab.Words[0] = fuzzSentinel
	leaky.Vocab.reindex()
	for i, c := range []*Corpus{sampleCorpus(f), mustSequences(f, "A00 B00\nC00\n"), leaky} {
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
		data = withSentinel(data)
		if fixSum && len(data) >= 8 {
			// Re-seal the checksum so mutations reach the structural checks
			// behind it instead of all failing on the checksum.
			data = binary.LittleEndian.AppendUint64(data[:len(data)-8:len(data)-8], crc64.Checksum(data[:len(data)-8], crcTable))
		}
		c, err := decodeCache(context.Background(), bytes.NewReader(data), int64(len(data)))
		assertNoSentinel(t, err, nil)
		if err != nil {
			return
		}
		if err := c.check(); err != nil {
			t.Fatalf("decoded corpus breaks invariants: %v", err)
		}
		err = checkCacheWords("fuzz.hvc", c.Vocab, ICD10CM)
		assertNoSentinel(t, err, nil)
		if err == nil {
			assertNoSentinel(t, nil, c)
		}
		c.LengthStats()
		countPatients(c)
	})
}

func mustSequences(tb testing.TB, s string) *Corpus {
	tb.Helper()
	c, _, err := ReadSequences(context.Background(), strings.NewReader(s), "s", DefaultReadOptions())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
