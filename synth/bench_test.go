package synth

import (
	"io"
	"testing"
)

// countWriter counts bytes and discards them.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkGenerate times generating 20,000 patients (about 350,000 rows)
// into discarding writers: the generator's own cost, without the disk.
func BenchmarkGenerate(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Patients = 20000
	if _, err := builtin(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var rows int64
	var bytes int64
	for b.Loop() {
		var ex countWriter
		sum, err := Generate(cfg, &ex, nil, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		rows += sum.Rows
		bytes += ex.n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cfg.Patients*b.N)/b.Elapsed().Seconds(), "patients/s")
	b.SetBytes(bytes / int64(b.N))
}
