package benchmarks

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tc := range tests {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestNMIMean(t *testing.T) {
	m, sd, ok := Row{NMI: []float64{0.5, 0.6, 0.7}}.NMIMean()
	if !ok || math.Abs(m-0.6) > 1e-12 || math.Abs(sd-0.1) > 1e-12 {
		t.Errorf("NMIMean = %v, %v, %v; want 0.6, 0.1, true", m, sd, ok)
	}
	if _, _, ok := (Row{}).NMIMean(); ok {
		t.Error("NMIMean of no run reported ok")
	}
}

func sampleResults() *Results {
	return &Results{
		Date:     time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC),
		Machine:  Machine{CPU: "Test CPU", Cores: 2, OS: "linux", Arch: "amd64"},
		Hiervec:  BuildInfo{Revision: "0123456789abcdef0123", Modified: true},
		Versions: map[string]string{"gensim": "4.2.0", "fasttext": "0.9.2"},
		Corpus:   CorpusInfo{Patients: 300, Seed: 1, PatientYears: 360, Tokens: 5000, Vocabulary: 900, Window: 100, PairsPerEpoch: 1.5e6, ChanceNMI: 0.6, ChanceAMI: -0.001},
		Settings: Settings{Epochs: 1, Window: 100, Negative: 5, Sample: 1e-3, AlphaSG: 0.025, AlphaCB: 0.05, MinAlpha: 1e-4, Seeds: 2},
		Rows: []Row{
			{Model: "sg", Dim: 10, Threads: 2, Tool: ToolHiervec, Wall: 0.5, CPU: 0.9, PeakRSSMiB: 20, TokensPerSec: 10000, PairsPerSec: 3e6, NMI: []float64{0.5, 0.52}, AMI: []float64{0.2, 0.2}},
			{Model: "sg", Dim: 10, Threads: 2, Tool: ToolGensim, Wall: 2, CPU: 3, PeakRSSMiB: 110, TokensPerSec: 2500, PairsPerSec: 7.5e5, SpeedRatio: 4, MemRatio: 20.0 / 110, CPURatio: 0.9 / 3},
		},
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	if err := sampleResults().WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Test CPU (2 cores", "commit 0123456789ab (with uncommitted changes)", "fasttext 0.9.2, gensim 4.2.0",
		"300 synthetic patients", "1.5e+06 nominal pairs per epoch",
		"| SG | 10 | 2 | hiervec | 0.50 | 0.90 | 10k | 3M | 20 | 0.510 ± 0.014 | 0.200 ± 0.000 | - | - | - |",
		"| SG | 10 | 2 | gensim | 2.00 | 3.00 | 2.5k | 750k | 110 | - | - | 4.00x | 3.33x | 0.18x |",
		"random vectors for the same codes score NMI@200 0.600, AMI@200 -0.001",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	in := sampleResults()
	if err := in.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var out Results
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if len(out.Rows) != 2 || out.Rows[1].SpeedRatio != 4 || out.Corpus.Tokens != 5000 || out.Hiervec.Revision != in.Hiervec.Revision {
		t.Errorf("round trip lost data: %+v", out)
	}
}

func TestSI(t *testing.T) {
	for x, want := range map[float64]string{12: "12", 1234: "1.23k", 5.5e6: "5.5M", 2.25e9: "2.25G"} {
		if got := si(x); got != want {
			t.Errorf("si(%v) = %q, want %q", x, got, want)
		}
	}
}
