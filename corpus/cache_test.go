package corpus

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc64"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func sampleCorpus(t testing.TB) *Corpus {
	t.Helper()
	data := "patient_id,date,code\n" +
		"p1,2019-01-01,A00\np1,2019-01-01,B01\np1,2019-03-01,A00\n" +
		"p2,2020-06-01,C02\np2,2021-06-01,A00\np3,2019-01-01,E11.9\n"
	c, _, err := ReadExtract(context.Background(), strings.NewReader(data), "x.csv", DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	// Exercise kinds: the last word becomes a category.
	last := c.Vocab.Len() - 1
	c.Vocab.Words[last], c.Vocab.Kinds[last] = "CIR007", KindCategory
	c.Vocab.reindex()
	return c
}

func TestCacheRoundTrip(t *testing.T) {
	seqs, _, err := ReadSequences(context.Background(), strings.NewReader("E119 CIR007\nI10\n"), "s", DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Corpus{"extract": sampleCorpus(t), "sequences": seqs} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.hvc")
			if err := WriteCache(p, c); err != nil {
				t.Fatal(err)
			}
			got, err := ReadCache(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Vocab.Words, c.Vocab.Words) || !reflect.DeepEqual(got.Vocab.Kinds, c.Vocab.Kinds) ||
				!reflect.DeepEqual(got.Vocab.Counts, c.Vocab.Counts) {
				t.Errorf("vocab differs: %+v vs %+v", got.Vocab, c.Vocab)
			}
			for _, pair := range []struct {
				name string
				a, b any
			}{
				{"tokens", got.Tokens.Int32s(), c.Tokens.Int32s()}, {"seqs", got.Seqs, c.Seqs}, {"visits", got.Visits, c.Visits},
				{"seqVisits", got.SeqVisits, c.SeqVisits}, {"years", got.Years, c.Years}, {"patients", got.Patients, c.Patients},
			} {
				if !reflect.DeepEqual(pair.a, pair.b) {
					t.Errorf("%s: got %v, want %v", pair.name, pair.a, pair.b)
				}
			}
			if id, ok := got.Vocab.ID(c.Vocab.Words[0]); !ok || id != 0 {
				t.Errorf("lookup after decode: %d %v", id, ok)
			}
			if f, err := DetectFormat(p, DefaultReadOptions()); err != nil || f != FormatCache {
				t.Errorf("DetectFormat = %v, %v", f, err)
			}
		})
	}
}

func TestCacheHoldsNoPatientIDs(t *testing.T) {
	data := "patient_id,date,code\n" + secretID + ",2019-01-01,A00\n"
	c, _, err := ReadExtract(context.Background(), strings.NewReader(data), "x.csv", DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "c.hvc")
	if err := WriteCache(p, c); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), secretID) {
		t.Error("the cache contains a patient id")
	}
}

func TestCacheCorruption(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.hvc")
	if err := WriteCache(p, sampleCorpus(t)); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func([]byte) []byte
		want   string
	}{
		{"empty", func(b []byte) []byte { return nil }, "truncated"},
		{"truncated header", func(b []byte) []byte { return b[:20] }, "truncated"},
		{"truncated body", func(b []byte) []byte { return b[:len(b)-20] }, "but the file has"},
		{"truncated checksum", func(b []byte) []byte { return b[:len(b)-1] }, "but the file has"},
		{"extra bytes", func(b []byte) []byte { return append(b, 0) }, "but the file has"},
		{"bad magic", func(b []byte) []byte { b[0] = 'X'; return b }, "bad magic"},
		{"future version", func(b []byte) []byte { b[8] = 9; return b }, "version 9"},
		{"flipped token byte", func(b []byte) []byte { b[len(b)-60] ^= 0x40; return b }, "checksum mismatch"},
		{"flipped checksum", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }, "checksum mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.mutate(append([]byte(nil), good...))
			q := filepath.Join(t.TempDir(), "bad.hvc")
			if err := os.WriteFile(q, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadCache(context.Background(), q)
			if !errors.Is(err, ErrCorruptCache) {
				t.Fatalf("error %v does not wrap ErrCorruptCache", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), q) {
				t.Errorf("error %q, want it to name the file and contain %q", err, tt.want)
			}
		})
	}
	// Every single-byte flip anywhere in the file must be caught.
	for i := range good {
		b := append([]byte(nil), good...)
		b[i] ^= 0x01
		if _, err := decodeCache(context.Background(), strings.NewReader(string(b)), int64(len(b))); err == nil {
			t.Fatalf("flipping byte %d went unnoticed", i)
		}
	}
}

func TestWriteCacheRejectsBrokenCorpus(t *testing.T) {
	c := sampleCorpus(t)
	c.Tokens.Set(0, int32(c.Vocab.Len())) // out of range
	if err := WriteCache(filepath.Join(t.TempDir(), "c"), c); err == nil {
		t.Fatal("no error for a token outside the vocabulary")
	}
}

// TestCacheStructuralChecks breaks the content of a cache but re-seals the
// checksum: the invariant checks behind the checksum must still refuse it,
// in both format versions.
func TestCacheStructuralChecks(t *testing.T) {
	c := sampleCorpus(t)
	nv := c.Vocab.Len()
	var wordBytes int
	for _, w := range c.Vocab.Words {
		wordBytes += len(w)
	}
	for _, version := range []uint32{1, 2} {
		p := filepath.Join(t.TempDir(), "c.hvc")
		if err := writeCache(p, c, version); err != nil {
			t.Fatal(err)
		}
		good, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		size := 4 // bytes per token
		if version == 2 {
			size = 2
		}
		tokens := cacheHeaderSize + 13*nv + wordBytes // offset of the token section
		seqs := tokens + size*c.Tokens.Len()
		putToken := func(b []byte, i int, id uint32) {
			if size == 2 {
				binary.LittleEndian.PutUint16(b[tokens+2*i:], uint16(id))
			} else {
				binary.LittleEndian.PutUint32(b[tokens+4*i:], id)
			}
		}
		tests := []struct {
			name   string
			only   uint32 // 0: every version
			mutate func([]byte)
			want   string
		}{
			{"token out of range", 0, func(b []byte) { putToken(b, 0, uint32(nv)) }, "outside the vocabulary"},
			{"largest narrow id", 2, func(b []byte) { putToken(b, 1, NarrowLimit-1) }, "outside the vocabulary"},
			{"token beyond narrow ids", 1, func(b []byte) { putToken(b, 1, NarrowLimit) }, "outside the vocabulary"},
			{"negative token", 1, func(b []byte) { putToken(b, 0, 1<<31) }, "outside the vocabulary"},
			{"count wrong", 0, func(b []byte) { b[cacheHeaderSize+5*nv+wordBytes]++ }, "the tokens hold it"},
			{"offsets decrease", 0, func(b []byte) { binary.LittleEndian.PutUint64(b[seqs+8:], 1<<40) }, "sequence offsets"},
			{"unknown kind", 0, func(b []byte) { b[cacheHeaderSize+4*nv+wordBytes] = 7 }, "unknown kind"},
			{"narrow flag in version 1", 1, func(b []byte) { b[12] |= cacheNarrowTokens }, "unknown flags"},
			{"unknown flag", 2, func(b []byte) { b[12] |= 1 << 3 }, "unknown flags"},
			{"narrow flag cleared", 2, func(b []byte) { b[12] &^= cacheNarrowTokens }, "but the file has"},
		}
		for _, tt := range tests {
			if tt.only != 0 && tt.only != version {
				continue
			}
			t.Run(fmt.Sprintf("v%d/%s", version, tt.name), func(t *testing.T) {
				b := append([]byte(nil), good...)
				tt.mutate(b)
				binary.LittleEndian.PutUint64(b[len(b)-8:], crc64.Checksum(b[:len(b)-8], crcTable))
				_, err := decodeCache(context.Background(), bytes.NewReader(b), int64(len(b)))
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want %q", err, tt.want)
				}
			})
		}
	}
}

// TestCacheVersions: WriteCache writes version 2, with 2-byte tokens when
// the vocabulary allows and 4-byte ones past NarrowLimit words; files of
// version 1 (4-byte tokens), as older builds wrote them (the testdata
// files were written by one), read back to the same corpus.
func TestCacheVersions(t *testing.T) {
	seqs, _, err := ReadSequences(context.Background(), strings.NewReader("E119 CIR007\nI10\n"), "s", DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	// A wide corpus: more words than NarrowLimit, a token of the last.
	n := NarrowLimit + 10
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("A%05d", i)
	}
	ids := make([]int32, 2*n)
	for i := range ids {
		ids[i] = int32(i % n)
	}
	wide := &Corpus{Vocab: &Vocab{Words: words, Kinds: make([]Kind, n), Counts: make([]int64, n)},
		Tokens: WideTokens(ids), Seqs: []int64{0, int64(n), int64(2 * n)}}
	wide.Visits = wide.Seqs
	wide.Recount()
	for _, tt := range []struct {
		name      string
		c         *Corpus
		v1        string // a version-1 file of the same corpus, in testdata
		tokenSize int
	}{
		{"extract", sampleCorpus(t), "testdata/cache-v1-extract.hvc", 2},
		{"sequences", seqs, "testdata/cache-v1-sequences.hvc", 2},
		{"wide", wide, "", 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.hvc")
			if err := WriteCache(p, tt.c); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if v := binary.LittleEndian.Uint32(b[8:]); v != 2 {
				t.Errorf("WriteCache wrote version %d, want 2", v)
			}
			narrow := binary.LittleEndian.Uint32(b[12:])&cacheNarrowTokens != 0
			if narrow != (tt.tokenSize == 2) {
				t.Errorf("narrow flag %v, want tokens of %d bytes", narrow, tt.tokenSize)
			}
			// The file is exactly as large as tokens of that size make it.
			v1 := filepath.Join(t.TempDir(), "v1.hvc")
			if err := writeCache(v1, tt.c, 1); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(v1)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := st.Size()-int64(len(b)), int64((4-tt.tokenSize)*tt.c.Tokens.Len()); got != want {
				t.Errorf("version 1 file is %d bytes larger than version 2, want %d", got, want)
			}
			files := []string{p, v1}
			if tt.v1 != "" {
				files = append(files, tt.v1)
			}
			for _, f := range files {
				got, err := ReadCache(context.Background(), f)
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				if !slices.Equal(got.Tokens.Int32s(), tt.c.Tokens.Int32s()) || !slices.Equal(got.Vocab.Words, tt.c.Vocab.Words) ||
					!slices.Equal(got.Vocab.Counts, tt.c.Vocab.Counts) || !slices.Equal(got.Seqs, tt.c.Seqs) ||
					!slices.Equal(got.Visits, tt.c.Visits) || !slices.Equal(got.Years, tt.c.Years) || !slices.Equal(got.Patients, tt.c.Patients) {
					t.Errorf("%s: read back a different corpus", f)
				}
				if got.Tokens.IsWide() != (tt.tokenSize == 4) {
					t.Errorf("%s: tokens read wide %v, want %d bytes each in memory", f, got.Tokens.IsWide(), tt.tokenSize)
				}
			}
		})
	}
}
