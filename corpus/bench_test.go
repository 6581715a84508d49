package corpus

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// syntheticExtract writes n extract rows in the shape of a claims extract:
// 20 rows per patient on average, dates over two years, codes from a
// Zipf-like vocabulary of 20,000, a few extra columns.
func syntheticExtract(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.1, 1, 19999)
	var b bytes.Buffer
	b.Grow(n * 48)
	b.WriteString("patient_id,encounter_id,service_date,icd10,provider\n")
	for i := 0; i < n; i++ {
		p := i / 20
		m := 1 + r.IntN(12)
		d := 1 + r.IntN(28)
		y := 2019 + r.IntN(2)
		k := zipf.Uint64()
		fmt.Fprintf(&b, "P%08d,E%d,%d-%02d-%02d,%c%02d.%d,DR%d\n", p, i/3, y, m, d, 'A'+byte(k%26), k/26%100, k%7, i%50)
	}
	return b.Bytes()
}

func BenchmarkReadExtract(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			data := syntheticExtract(n) // generated inside: only selected sizes pay for it; b.Loop resets the timer
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := ReadExtract(context.Background(), bytes.NewReader(data), "bench.csv", DefaultReadOptions()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func BenchmarkCache(b *testing.B) {
	c, _, err := ReadExtract(context.Background(), bytes.NewReader(syntheticExtract(1_000_000)), "bench.csv", DefaultReadOptions())
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "c.hvc")
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteCache(p, c); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(c.Tokens.Len())*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	})
	st, _ := os.Stat(p)
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(st.Size())
		for b.Loop() {
			if _, err := ReadCache(context.Background(), p); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(c.Tokens.Len())*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	})
}

// BenchmarkReadSequences reads a sequence file of 1M extract rows' worth of
// patient-years with the streaming reader and with ReadSequencesFile's
// parallel one.
func BenchmarkReadSequences(b *testing.B) {
	c, _, err := ReadExtract(context.Background(), bytes.NewReader(syntheticExtract(1_000_000)), "bench.csv", DefaultReadOptions())
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for s := range c.NumSeqs() {
		for i, t := range c.Seq(s).All() {
			if i > 0 {
				buf.WriteByte(' ')
			}
			buf.WriteString(c.Vocab.Words[t])
		}
		buf.WriteByte('\n')
	}
	p := filepath.Join(b.TempDir(), "seqs.txt")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("streaming", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(buf.Len()))
		for b.Loop() {
			if _, _, err := ReadSequences(context.Background(), bytes.NewReader(buf.Bytes()), "seqs.txt", DefaultReadOptions()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("file", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(buf.Len()))
		for b.Loop() {
			if _, _, err := ReadSequencesFile(context.Background(), p, DefaultReadOptions()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReadParquet reads syntheticExtract's rows as a Parquet file
// (patient id a string, the date a DATE, the code a dictionary-encoded
// string, row groups of 1,000,000 rows: as Spark writes them), to compare
// with BenchmarkReadExtract at the same size.
func BenchmarkReadParquet(b *testing.B) {
	type row struct {
		Patient string `parquet:"patient_id"`
		Date    int32  `parquet:"service_date,date"`
		Code    string `parquet:"icd10,dict"`
	}
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			var buf bytes.Buffer
			w := parquet.NewGenericWriter[row](&buf, parquet.MaxRowsPerRowGroup(1_000_000))
			lines := bytes.Split(bytes.TrimSpace(syntheticExtract(n)), []byte("\n"))[1:]
			rows := make([]row, 0, len(lines))
			for _, l := range lines {
				f := bytes.Split(l, []byte(","))
				d, ok := parseDate(string(f[2]))
				if !ok {
					b.Fatal("bad date")
				}
				t := time.Date(int(d/10000), time.Month(d/100%100), int(d%100), 0, 0, 0, 0, time.UTC)
				rows = append(rows, row{string(f[0]), int32(t.Unix() / 86400), string(f[3])})
			}
			if _, err := w.Write(rows); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			data := buf.Bytes()
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := ReadParquet(context.Background(), bytes.NewReader(data), int64(len(data)), "bench.parquet", DefaultReadOptions()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
