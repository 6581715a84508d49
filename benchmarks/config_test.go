package benchmarks

import (
	"strings"
	"testing"

	"github.com/hiervec/hiervec/trainer"
)

func TestDefaultConfigValid(t *testing.T) {
	c := DefaultConfig()
	c.Hiervec = "/usr/local/bin/hiervec"
	if err := c.Validate(); err != nil {
		t.Fatalf("DefaultConfig with a binary is invalid: %v", err)
	}
	if err := DefaultConfig().Validate(); err == nil || !strings.Contains(err.Error(), "Hiervec is empty") {
		t.Errorf("DefaultConfig without Hiervec: err = %v, want it to name Hiervec", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Config{Patients: 0, Models: []string{"glove"}, Dims: []int{0}, Threads: nil,
		Word2Vec: trainer.Config{Epochs: 0, Window: 0, Negative: 0, Subsample: -1, Alpha: -0.1}, Seeds: 0, Peers: true}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a broken config")
	}
	for _, want := range []string{"Patients", `model "glove"`, "dimension 0", "no thread count", "Epochs is 0", "Window is 0",
		"Negative is 0", "Subsample is -1", "Alpha is -0.1", "Seeds", "Hiervec", "Python", "FastText", "WorkDir"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

func TestAlpha(t *testing.T) {
	tests := []struct {
		name  string
		alpha float64
		model string
		want  float64
	}{
		{"sg default", 0, "sg", 0.025},
		{"cbow default", 0, "cbow", 0.05},
		{"explicit", 0.01, "cbow", 0.01},
		{"explicit sg", 0.02, "sg", 0.02},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			if tc.alpha > 0 {
				c.Word2Vec.Alpha, c.AlphaPerModel = tc.alpha, false
			}
			if got := c.alpha(tc.model); got != tc.want {
				t.Errorf("alpha(%s) = %v, want %v", tc.model, got, tc.want)
			}
		})
	}
}
