package benchmarks

import (
	"strings"
	"testing"
)

// flagValue returns the argument after name in argv.
func flagValue(argv []string, name string) (string, bool) {
	for i := 0; i+1 < len(argv); i++ {
		if argv[i] == name {
			return argv[i+1], true
		}
	}
	return "", false
}

// TestCommandsShareSettings checks that every tool is told the same settings,
// each under its own flag name.
func TestCommandsShareSettings(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Hiervec = "/bin/hiervec"
	cfg.Word2Vec.Window, cfg.Word2Vec.Negative, cfg.Word2Vec.Subsample, cfg.Word2Vec.Epochs = 37, 7, 1e-4, 3
	type names struct{ dim, window, negative, sample, epochs, threads, seed, alpha, input string }
	tests := []struct {
		tool, model string
		prog        string
		mode        string // second argument
		f           names
		suffix      string
	}{
		{ToolHiervec, "cbow", "/bin/hiervec", "train", names{"-dim", "-window", "-negative", "-sample", "-epochs", "-threads", "-seed", "-alpha", "-input"}, ".txt"},
		{ToolHiervecShared, "sg", "/bin/hiervec", "train", names{"-dim", "-window", "-negative", "-sample", "-epochs", "-threads", "-seed", "-alpha", "-input"}, ".txt"},
		{ToolGensim, "sg", cfg.Python, "", names{"--dim", "--window", "--negative", "--sample", "--epochs", "--threads", "--seed", "--alpha", "--input"}, ".txt"},
		{ToolFastText, "sg", cfg.FastText, "skipgram", names{"-dim", "-ws", "-neg", "-t", "-epoch", "-thread", "-seed", "-lr", "-input"}, ".vec"},
		{ToolFastText, "cbow", cfg.FastText, "cbow", names{"-dim", "-ws", "-neg", "-t", "-epoch", "-thread", "-seed", "-lr", "-input"}, ".vec"},
	}
	for _, tc := range tests {
		t.Run(tc.tool+"_"+tc.model, func(t *testing.T) {
			j := job{Tool: tc.tool, Model: tc.model, Dim: 50, Threads: 3, Seed: 2, Alpha: 0.05}
			argv, vectors := j.command(cfg, "/w/sequences.txt", "/w/runs")
			if argv[0] != tc.prog {
				t.Errorf("program %q, want %q", argv[0], tc.prog)
			}
			if tc.mode != "" && argv[1] != tc.mode {
				t.Errorf("mode %q, want %q", argv[1], tc.mode)
			}
			if !strings.HasPrefix(vectors, "/w/runs/") || !strings.HasSuffix(vectors, tc.suffix) {
				t.Errorf("vectors %q, want /w/runs/...%s", vectors, tc.suffix)
			}
			want := map[string]string{tc.f.dim: "50", tc.f.window: "37", tc.f.negative: "7", tc.f.sample: "0.0001",
				tc.f.epochs: "3", tc.f.threads: "3", tc.f.seed: "2", tc.f.alpha: "0.05", tc.f.input: "/w/sequences.txt"}
			for name, v := range want {
				if got, ok := flagValue(argv, name); !ok || got != v {
					t.Errorf("%s = %q (present %v), want %q in %q", name, got, ok, v, argv)
				}
			}
		})
	}
}

// TestSharedNegativesTool: -shared-negatives reaches hiervec's Skip-Gram
// runs only; the plain hiervec run never has it.
func TestSharedNegativesTool(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Peers, cfg.Word2Vec.SharedNegatives = true, true
	if got := cfg.tools("sg"); got[0] != ToolHiervecShared || len(got) != 3 {
		t.Errorf("sg tools %v, want hiervec-shared first and both peers", got)
	}
	if got := cfg.tools("cbow"); got[0] != ToolHiervec {
		t.Errorf("cbow tools %v, want plain hiervec first", got)
	}
	has := func(argv []string) bool {
		for _, a := range argv {
			if a == "-shared-negatives" {
				return true
			}
		}
		return false
	}
	shared, _ := job{Tool: ToolHiervecShared, Model: "sg", Dim: 10, Threads: 1, Seed: 1}.command(cfg, "s.txt", "o")
	plain, _ := job{Tool: ToolHiervec, Model: "sg", Dim: 10, Threads: 1, Seed: 1}.command(cfg, "s.txt", "o")
	if !has(shared) || has(plain) {
		t.Errorf("-shared-negatives in hiervec-shared %v, in hiervec %v; want only the first", has(shared), has(plain))
	}
}

func TestFastTextIsPlainWord2Vec(t *testing.T) {
	cfg := DefaultConfig()
	argv, _ := job{Tool: ToolFastText, Model: "sg", Dim: 10, Threads: 1, Seed: 1, Alpha: 0.025}.command(cfg, "s", "o")
	for name, v := range map[string]string{"-minn": "0", "-maxn": "0", "-wordNgrams": "1", "-bucket": "0", "-minCount": "1", "-loss": "ns"} {
		if got, _ := flagValue(argv, name); got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
}
