package benchmarks

import (
	"bufio"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/hiervec/hiervec/internal/atomicfile"
)

// Run generates (or reuses) the synthetic corpus, then trains every tool on
// every (model, dim, threads) cell of cfg, Seeds times, and scores the
// vectors when cfg.Quality is set. Within a cell the tools alternate
// (hiervec, gensim, fastText, hiervec, ...) so that load from elsewhere on
// the machine falls on all of them alike. log, when not nil, receives one
// line per step.
func Run(ctx context.Context, cfg Config, log func(string)) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = func(string) {}
	}
	if err := checkTools(cfg); err != nil {
		return nil, err
	}
	info, m, err := prepare(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	log(fmt.Sprintf("corpus: %d patient-years, %d tokens, %d codes, %.4g pairs per epoch", info.PatientYears, info.Tokens, info.Vocabulary, info.PairsPerEpoch))
	if cfg.Quality {
		q, ok, err := chanceQuality(ctx, info.words, slices.Max(cfg.Dims), m)
		if err != nil {
			return nil, err
		}
		if ok {
			info.ChanceNMI, info.ChanceAMI = q.NMI, q.AMI
			log(fmt.Sprintf("chance level (random vectors): NMI@200 %.3f, AMI@200 %.3f", q.NMI, q.AMI))
		}
	}
	outDir := filepath.Join(cfg.WorkDir, "runs")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("benchmarks: %w", err)
	}
	if cfg.Peers {
		if err := atomicfile.WriteFile(filepath.Join(cfg.WorkDir, gensimScriptFile), gensimScript); err != nil {
			return nil, fmt.Errorf("benchmarks: %w", err)
		}
	}

	res := &Results{
		Date:     time.Now().UTC(),
		Machine:  machine(),
		Hiervec:  hiervecBuild(cfg.Hiervec),
		Versions: map[string]string{},
		Corpus:   *info,
		Settings: Settings{Epochs: cfg.Word2Vec.Epochs, Window: cfg.Word2Vec.Window, Negative: cfg.Word2Vec.Negative, Sample: cfg.Word2Vec.Subsample,
			AlphaSG: cfg.alpha("sg"), AlphaCB: cfg.alpha("cbow"), MinAlpha: cfg.Word2Vec.MinAlpha, Seeds: cfg.Seeds},
		Commands: map[string]string{},
	}
	if cfg.Peers {
		res.Versions[ToolFastText] = debianVersion(ctx, "fasttext")
	}
	epochTokens := float64(info.Tokens) * float64(cfg.Word2Vec.Epochs)
	epochPairs := info.PairsPerEpoch * float64(cfg.Word2Vec.Epochs)
	cells := len(cfg.Models) * len(cfg.Dims) * len(cfg.Threads)
	cell := 0
	for _, model := range cfg.Models {
		for _, dim := range cfg.Dims {
			for _, threads := range cfg.Threads {
				cell++
				tools := cfg.tools(model)
				rows := make([]Row, len(tools))
				rss := make([]int64, len(tools))
				cpu := make([][]float64, len(tools))
				for i, tool := range tools {
					rows[i] = Row{Model: model, Dim: dim, Threads: threads, Tool: tool}
				}
				for seed := 1; seed <= cfg.Seeds; seed++ {
					for i, tool := range tools {
						j := job{Tool: tool, Model: model, Dim: dim, Threads: threads, Seed: seed, Alpha: cfg.alpha(model)}
						argv, vectors := j.command(cfg, info.Sequences, outDir)
						if _, ok := res.Commands[tool]; !ok {
							res.Commands[tool] = strings.Join(argv, " ")
						}
						ms, err := measure(ctx, argv, j.env())
						if err != nil {
							return nil, err
						}
						if tool == ToolGensim {
							if v := gensimVersion(ms.Stdout); v != "" {
								res.Versions[ToolGensim] = v
							}
						}
						r := &rows[i]
						r.WallSeconds = append(r.WallSeconds, ms.Wall.Seconds())
						cpu[i] = append(cpu[i], ms.CPU.Seconds())
						rss[i] = max(rss[i], ms.PeakRSSKiB)
						line := fmt.Sprintf("cell %d/%d %s dim %d threads %d seed %d: %-8s %7.2f s  %s tokens/s  %s pairs/s  %.0f MiB",
							cell, cells, model, dim, threads, seed, tool, ms.Wall.Seconds(),
							si(epochTokens/ms.Wall.Seconds()), si(epochPairs/ms.Wall.Seconds()), float64(ms.PeakRSSKiB)/1024)
						if cfg.Quality {
							q, ok, err := scoreFile(ctx, vectors, m)
							if err != nil {
								return nil, fmt.Errorf("benchmarks: scoring %s: %w", filepath.Base(vectors), err)
							}
							if ok {
								r.NMI = append(r.NMI, q.NMI)
								r.AMI = append(r.AMI, q.AMI)
								line += fmt.Sprintf("  NMI@200 %.3f  AMI@200 %.3f", q.NMI, q.AMI)
							}
						}
						log(line)
						for _, f := range append(j.sideFiles(vectors), vectors) {
							os.Remove(f)
						}
					}
				}
				for i := range rows {
					r := &rows[i]
					r.Wall = median(r.WallSeconds)
					r.CPU = median(cpu[i])
					r.PeakRSSMiB = float64(rss[i]) / 1024
					r.TokensPerSec = epochTokens / r.Wall
					r.PairsPerSec = epochPairs / r.Wall
				}
				for i := 1; i < len(rows); i++ {
					rows[i].SpeedRatio = rows[0].TokensPerSec / rows[i].TokensPerSec
					if rows[i].CPU > 0 {
						rows[i].CPURatio = rows[0].CPU / rows[i].CPU
					}
					if rss[i] > 0 {
						rows[i].MemRatio = float64(rss[0]) / float64(rss[i])
					}
				}
				res.Rows = append(res.Rows, rows...)
			}
		}
	}
	return res, nil
}

// checkTools fails early, naming the fix, when a binary Run needs is absent.
func checkTools(cfg Config) error {
	need := []string{cfg.Hiervec}
	if cfg.Peers {
		need = append(need, cfg.Python, cfg.FastText)
	}
	for _, p := range need {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Errorf("benchmarks: %w (peers: run benchmarks/install-peers.sh)", err)
		}
	}
	return nil
}

// gensimVersion reads the version from the JSON line the gensim script prints.
func gensimVersion(stdout string) string {
	var v struct {
		Gensim string `json:"gensim"`
	}
	for _, line := range strings.Split(stdout, "\n") {
		if json.Unmarshal([]byte(line), &v) == nil && v.Gensim != "" {
			return v.Gensim
		}
	}
	return ""
}

// debianVersion returns the installed version of a Debian package, or
// "unknown" (fastText 0.9.2 has no version flag).
func debianVersion(ctx context.Context, pkg string) string {
	out, err := exec.CommandContext(ctx, "dpkg-query", "-W", "-f", "${Version}", pkg).Output()
	if err != nil || len(out) == 0 {
		return "unknown"
	}
	return string(out)
}

// hiervecBuild reads the VCS stamp of the hiervec binary at path.
func hiervecBuild(path string) BuildInfo {
	bi := BuildInfo{Path: path}
	if p, err := exec.LookPath(path); err == nil {
		path = p
	}
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return bi
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			bi.Revision = s.Value
		case "vcs.time":
			bi.Time = s.Value
		case "vcs.modified":
			bi.Modified = s.Value == "true"
		}
	}
	return bi
}

// machine describes the host: the CPU model from /proc/cpuinfo where there
// is one.
func machine() Machine {
	m := Machine{CPU: "unknown CPU", Cores: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH, Go: runtime.Version()}
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			m.CPU = strings.TrimSpace(v)
			break
		}
	}
	return m
}
