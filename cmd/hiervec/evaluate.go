package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
)

func init() {
	register(command{name: "evaluate", summary: "score embeddings against CCSR: k-means AMI/NMI (beside random vectors), silhouette, P@10, outcome AUC", run: runEvaluate})
}

func runEvaluate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("evaluate", stderr)
	var in inputFlags
	in.register(fs)
	var (
		embPath    = fs.String("embeddings", "", "embeddings: released JSON layout (every set in it is evaluated), word2vec text (.txt, .vec) or binary (.bin), or a projector directory")
		formatName = fs.String("format", "", "format of -embeddings: released, word2vec, word2vec-binary or tsv (default: from the name, as train's -out; released when the name does not tell)")
		ccsrPath   = fs.String("ccsr", "", "CCSR map giving each code's category (DXCCSR CSV, reference sheet CSV, wide or plain code,category CSV)")
		policyName = fs.String("policy", "", "label of codes with several categories, as train's -policy: default-op, default-ip, first or all (all labels by the first; default: default-op when the file has it, else first)")
		ks         = fs.String("k", "200,400", "comma-separated numbers of k-means clusters")
		restarts   = fs.Int("restarts", evaluate.DefaultKMeansConfig().Restarts, "k-means++ restarts per k (the best inertia is kept)")
		vectors    = fs.String("vectors", string(evaluate.VectorsBoth), "vectors k-means clusters: raw (as trained, as the paper did), unit (scaled to length 1) or both")
		random     = fs.Bool("random", true, "also score random Gaussian vectors for the same codes (one set per dimension): the chance level")
		pAtN       = fs.Int("p-at-n", 10, "N of precision@N against the categories (0: skip)")
		silhouette = fs.Bool("silhouette", true, "compute the silhouette of the categories")
		silSample  = fs.Int("silhouette-sample", 0, "compute the silhouette on a random sample of this many codes (0: all)")
		outcomes   = fs.String("outcomes", "", "CSV patient_id,year,<outcome>,... of 0/1 outcomes to predict (needs -input)")
		bootstrap  = fs.Int("bootstrap", evaluate.DefaultDownstreamConfig().Bootstrap, "bootstrap resamples for the AUC's 95% interval")
		maxPY      = fs.Int("max-patient-years", evaluate.DefaultMaxPatientYears, "outcome classifiers use at most this many patient-years, a seeded sample stratified by outcome when more are joined (0: all; memory is 4 bytes x dimension per patient-year)")
		asJSON     = fs.Bool("json", false, "print a JSON array, one object per set, instead of the tables")
		seed       = fs.Uint64("seed", 1, "random seed for k-means, sampling, the train/test split and the bootstrap")
		threads    = fs.Int("threads", runtime.NumCPU(), "worker goroutines")
		quiet      = fs.Bool("quiet", false, "no progress on stderr")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *embPath == "" {
		return usagef("-embeddings is required")
	}
	if *ccsrPath == "" {
		return usagef("-ccsr is required")
	}
	if (*outcomes == "") != (in.input == "") {
		return usagef("-outcomes and -input go together: outcomes are joined to the extract's patient-years")
	}
	cfg := evaluate.DefaultConfig()
	cfg.Ks = nil
	for _, f := range strings.Split(*ks, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return usagef("-k %q: want comma-separated integers such as 200,400", *ks)
		}
		cfg.Ks = append(cfg.Ks, k)
	}
	cfg.KMeans.Restarts = *restarts
	cfg.Vectors, cfg.Random = evaluate.Vectors(*vectors), *random
	cfg.PAtN, cfg.Silhouette, cfg.SilhouetteSample = *pAtN, *silhouette, *silSample
	cfg.Workers, cfg.Seed = *threads, *seed
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	rep := newReporter(stderr, *quiet)

	format := export.Released // what evaluate read before it knew other formats
	if *formatName != "" {
		f, err := fileFormat(*formatName, *embPath)
		if err != nil {
			return err
		}
		format = f
	} else if f, err := export.FormatFromPath(*embPath); err == nil {
		format = f
	}
	start := time.Now()
	sets, err := export.Read(*embPath, format)
	if err != nil {
		return err
	}
	rows := 0
	for _, s := range sets {
		rows += s.Len()
	}
	if rows == 0 {
		return fmt.Errorf("%s holds no vectors (%d sets): nothing to evaluate", *embPath, len(sets))
	}
	m, err := hierarchy.ReadMapFile(*ccsrPath)
	if err != nil {
		return err
	}
	rep.say("read %d sets from %s and %d codes in %d categories from %s (%s)",
		len(sets), *embPath, m.NumCodes(), m.NumCategories(), *ccsrPath, fmtDuration(time.Since(start)))
	policy, err := hierarchy.ResolvePolicy(*policyName, m)
	if err != nil {
		return usagef("%v", err)
	}
	label := hierarchy.NewLabeler(m, policy).Label

	var down *evaluate.Downstream
	if *outcomes != "" {
		c, report, err := in.read(ctx, rep, m)
		if err != nil {
			return err
		}
		// The reader's buffers are garbage from here on: return them
		// before the outcomes are read, so that reading those adds only
		// what they keep to what the corpus holds.
		debug.FreeOSMemory()
		o, err := evaluate.ReadOutcomes(*outcomes)
		if err != nil {
			return err
		}
		dcfg := evaluate.DefaultDownstreamConfig()
		dcfg.Bootstrap, dcfg.Seed, dcfg.MaxPatientYears = *bootstrap, *seed, *maxPY
		if err := dcfg.Validate(); err != nil {
			return usagef("%v", err)
		}
		var ids []string
		if report != nil {
			ids = report.PatientIDs
		}
		down, err = evaluate.NewDownstream(c, ids, o, dcfg)
		if err != nil {
			return err
		}
		j := down.Join
		rep.say("outcomes %s: %d rows; %d of %d patient-years matched, %d without an outcome row, %d rows unused",
			strings.Join(down.Names, ", "), j.OutcomeRows, j.Matched, j.Sequences, j.NoOutcome, j.UnusedRows)
		if down.Kept < j.Matched {
			rep.say("outcome classifiers use a sample of %d of the %d matched patient-years, stratified by outcome (-max-patient-years)", down.Kept, j.Matched)
		}
	}

	scores, err := evaluate.EvaluateSets(ctx, sets, label, cfg, down, func(done, total int, set string) {
		rep.say("evaluated %s (%d/%d, %s)", set, done, total, fmtDuration(time.Since(start)))
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return evaluate.WriteJSON(stdout, scores)
	}
	return evaluate.WriteTable(stdout, scores)
}
