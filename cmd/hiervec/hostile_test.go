package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hiervec/hiervec/internal/ehrtest"
)

// The hostile-input suite runs the hiervec binary as a user would, on
// extracts and flag sets built to go wrong, and asserts two things of every
// run: its exit status, and that no patient identifier appears in any byte
// of its standard output, its standard error or any file it wrote under its
// output folder. Every patient identifier of these extracts contains
// sentinelID; the medical-record-number cases use mrnSentinel, which is
// shaped like an ICD-10-CM code on purpose.
//
// Set HIERVEC_HOSTILE_REPORT=FILE to write the table of cases (case,
// command, exit status, verdict) as Markdown.
const (
	sentinelID  = "PTSENTINEL"
	mrnSentinel = "Q004211"
)

// hostileCodes are real ICD-10-CM codes with their CCSR categories.
var hostileCodes = [][2]string{
	{"E11.9", "END002"}, {"I10", "CIR007"}, {"E78.5", "END010"}, {"J44.9", "RSP008"},
	{"N18.3", "GEN003"}, {"I25.10", "CIR011"}, {"F32.9", "MBD002"}, {"K21.9", "DIG004"},
	{"M54.5", "MUS038"}, {"J45.909", "RSP009"}, {"E66.9", "END009"}, {"G47.33", "NVS016"},
	{"I48.91", "CIR017"}, {"N39.0", "GEN004"}, {"R07.9", "SYM012"},
}

// rareCode occurs in one patient of the good extract: small-cell
// suppression must keep it out of every output.
const rareCode = "Z99.89"

// hostileRow is one diagnosis of a generated extract.
type hostileRow struct{ patient, date, code string }

// goodRows returns a valid extract's rows: 200 patients, every common code
// in well over 11 of them, rareCode in one.
func goodRows() []hostileRow {
	r := rand.New(rand.NewPCG(7, 7))
	var rows []hostileRow
	for p := range 200 {
		pid := fmt.Sprintf("%s%04d", sentinelID, p)
		for range 2 + r.IntN(7) {
			c := hostileCodes[r.IntN(len(hostileCodes))][0]
			rows = append(rows, hostileRow{pid, fmt.Sprintf("2019-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28)), c})
		}
		if p == 17 {
			rows = append(rows, hostileRow{pid, "2019-06-01", rareCode})
		}
	}
	return rows
}

// csvOf writes rows under header with delimiter d.
func csvOf(header string, d string, rows []hostileRow) string {
	var b strings.Builder
	if header != "" {
		b.WriteString(strings.ReplaceAll(header, ",", d) + "\n")
	}
	for _, r := range rows {
		b.WriteString(r.patient + d + r.date + d + r.code + "\n")
	}
	return b.String()
}

func gzipped(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// hostileMap is the CCSR map of hostileCodes (plain layout).
func hostileMap() string {
	var b strings.Builder
	b.WriteString("code,category\n")
	for _, c := range hostileCodes {
		b.WriteString(strings.ReplaceAll(c[0], ".", "") + "," + c[1] + "\n")
	}
	return b.String()
}

// hostileOutcomes is an outcomes table of the good extract's patients.
func hostileOutcomes() string {
	var b strings.Builder
	b.WriteString("patient_id,year,mortality\n")
	for p := range 200 {
		fmt.Fprintf(&b, "%s%04d,2019,%d\n", sentinelID, p, p%5/4)
	}
	return b.String()
}

var (
	hostileBinOnce sync.Once
	hostileBin     string
	hostileBinErr  error
)

// hiervecBinary builds the command once for the suite.
func hiervecBinary(t *testing.T) string {
	t.Helper()
	hostileBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hiervec-hostile-")
		if err != nil {
			hostileBinErr = err
			return
		}
		hostileBin = filepath.Join(dir, "hiervec")
		out, err := exec.Command("go", "build", "-o", hostileBin, ".").CombinedOutput()
		if err != nil {
			hostileBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if hostileBinErr != nil {
		t.Fatal(hostileBinErr)
	}
	return hostileBin
}

// hostileCase is one input (or flag set) and what every command must do
// with it. Inputs are written into the case's folder; in args, {F} stands
// for the path of file F there and {OUT} for the output folder.
type hostileCase struct {
	name  string
	files map[string]string
	// runs are the commands to run; without them the case runs the
	// standard runs (standardRuns) on {in.csv}
	// with extra appended to each.
	runs  [][]string
	extra []string
	exit  int
	// exits overrides exit for some commands.
	exits map[string]int
	// check, when set, checks a successful run's output further.
	check func(t *testing.T, out string)
}

// standardRuns are the commands every extract case goes through: the
// four of the paper's pipeline, and the readers of the hierarchy work
// (composition with a coverage table, retrofitting with the extract's
// counts, the hierarchy study).
func standardRuns(extra []string) [][]string {
	with := func(args ...string) []string { return append(args, extra...) }
	return [][]string{
		with("inspect", "-input", "{in.csv}", "-ccsr", "{ccsr.csv}"),
		with("train", "-input", "{in.csv}", "-ccsr", "{ccsr.csv}", "-cotrain", "-dim", "8", "-epochs", "1", "-threads", "1", "-out", "{OUT}/v.json", "-quiet"),
		with("reproduce", "-input", "{in.csv}", "-ccsr", "{ccsr.csv}", "-models", "sg", "-dims", "8", "-variants", "sep,co", "-epochs", "1", "-k", "2", "-threads", "1", "-out", "{OUT}/rep", "-quiet"),
		with("evaluate", "-embeddings", "{emb.json}", "-ccsr", "{ccsr.csv}", "-input", "{in.csv}", "-outcomes", "{outcomes.csv}", "-k", "2", "-bootstrap", "10", "-quiet"),
		with("train", "-input", "{in.csv}", "-ccsr", "{ccsr.csv}", "-compose", "ccsr,icd3", "-coverage", "map", "-dim", "8", "-epochs", "1", "-threads", "1", "-out", "{OUT}/c.json", "-quiet"),
		with("retrofit", "-embeddings", "{emb.json}", "-ccsr", "{ccsr.csv}", "-input", "{in.csv}", "-coverage", "map", "-out", "{OUT}/r.json", "-quiet"),
		with("reproduce", "-study", "hierarchy", "-input", "{in.csv}", "-ccsr", "{ccsr.csv}", "-models", "sg", "-dims", "8", "-epochs", "1", "-k", "2", "-threads", "1", "-out", "{OUT}/study", "-quiet"),
	}
}

// hostileTB is the test building the cases (for the Parquet writer).
var hostileTB testing.TB

func hostileCases() []hostileCase {
	good := goodRows()
	hdr := "patient_id,date,icd10_code"
	gcsv := csvOf(hdr, ",", good)
	shifted := func(rows []hostileRow) []hostileRow { // the patient id where the code should be
		out := make([]hostileRow, len(rows))
		for i, r := range rows {
			out[i] = hostileRow{r.code, r.date, r.patient}
		}
		return out
	}
	mrn := make([]hostileRow, len(good))
	for i, r := range good {
		mrn[i] = hostileRow{r.patient, r.date, fmt.Sprintf("Q%06d", 4211+i%300)}
	}
	mrn[0].code = mrnSentinel
	withRow := func(extra string) string { return gcsv + extra + "\n" }
	var longRow strings.Builder
	longRow.WriteString(sentinelID + "9999,2019-01-01,E11.9")
	longRow.WriteString(strings.Repeat("X", 10<<20))
	shiftCols := "patient_id,name,date,icd10_code\n"
	for i, r := range good {
		name := "Jane Doe"
		if i%3 == 0 {
			name = "Doe, Jane" // an unquoted comma shifts the row's columns
		}
		shiftCols += r.patient + "," + name + "," + r.date + "," + r.code + "\n"
	}
	seqOfIDs := ""
	for _, r := range good {
		seqOfIDs += r.patient + " " + r.patient + "\n"
	}
	tsv := csvOf(hdr, "\t", good)
	semi := csvOf(hdr, ";", good)
	bom := "\xef\xbb\xbf" + strings.ReplaceAll(gcsv, "\n", "\r\n")

	ext := func(name, content string, exit int, extra ...string) hostileCase {
		return hostileCase{name: name, files: map[string]string{"in.csv": content}, exit: exit, extra: extra}
	}
	cases := []hostileCase{
		ext("valid extract", gcsv, 0),
		ext("valid extract, gzip", gzipped(gcsv), 0),
		ext("valid extract, BOM and CRLF", bom, 0),
		ext("pipe-delimited extract", csvOf(hdr, "|", good), 0),
		ext("semicolon-delimited extract", semi, 0),
		ext("tab-delimited extract", tsv, 0),
		ext("headerless CSV", csvOf("", ",", good), 1),
		ext("headerless CSV read as an extract", csvOf("", ",", good), 1, "-input-format", "extract"),
		ext("headerless CSV, gzip", gzipped(csvOf("", ",", good)), 1),
		ext("headerless pipe-delimited", csvOf("", "|", good), 1),
		ext("patient and code columns swapped by flags", gcsv, 1, "-code-col", "patient_id", "-patient-col", "icd10_code"),
		ext("patient ids in the code column", csvOf(hdr, ",", shifted(good)), 1),
		ext("patient ids read as dates", gcsv, 1, "-date-col", "patient_id", "-patient-col", "date"),
		ext("record numbers shaped like codes in the code column", csvOf(hdr, ",", mrn), 1),
		ext("unquoted comma shifts columns", shiftCols, 1),
		ext("unquoted comma shifts columns, skip-bad", shiftCols, 0, "-skip-bad"),
		ext("a 10 MB code value", withRow(longRow.String()), 0),
		ext("a code with spaces", withRow(sentinelID+"0001,2019-01-01,\"E11 9 X\""), 0),
		ext("a code with a newline", withRow(sentinelID+"0001,2019-01-01,\"E11\n.9\""), 0),
		ext("a code of invalid UTF-8", withRow(sentinelID+"0001,2019-01-01,E1\xff1"), 0),
		ext("a patient id with a newline and quotes", withRow("\""+sentinelID+"\n\"\"X\"\"\",2019-01-01,E11.9"), 0),
		ext("broken quoting", withRow("\""+sentinelID+"77,2019-01-01,E11.9"), 1),
		ext("broken quoting, skip-bad", withRow(sentinelID+"77,\"2019-01-01,E11.9\n"+sentinelID+"78,2019-01-02,I10"), 0, "-skip-bad"),
		ext("too few fields", withRow(sentinelID+"0003,2019-01-01"), 1),
		ext("an impossible date", withRow(sentinelID+"0004,2019-13-45,E11.9"), 1),
		ext("a patient id as the date", withRow(sentinelID+"0004,"+sentinelID+"0004,E11.9"), 1),
		ext("an empty patient id", withRow(",2019-01-01,E11.9"), 1),
		ext("an ICD-9 version column", "patient_id,date,icd_code,icd_version\n"+strings.ReplaceAll(gcsv[len(hdr)+1:], "\n", ",10\n")+sentinelID+"0001,2019-01-01,4139,9\n", 0),
		ext("empty file", "", 1),
		// retrofit reads the extract for its counts only: with none, no trained
		// row passes the small-cell rule and every code is inferred.
		{name: "header only", files: map[string]string{"in.csv": hdr + "\n"}, exit: 1, exits: map[string]int{"inspect": 0, "retrofit": 0}},
		ext("a header of patient ids", sentinelID+"0001,"+sentinelID+"0002,"+sentinelID+"0003\n"+csvOf("", ",", good), 1),
		ext("duplicate column names", "patient_id,patient_id,date,icd10_code\n", 1),
		ext("a sequence file of patient ids", seqOfIDs, 1),
		ext("a sequence file of patient ids, named", seqOfIDs, 1, "-input-format", "sequences"),
		ext("a ZIP archive (a workbook)", "PK\x03\x04"+sentinelID+strings.Repeat("\x00", 64), 1),
		ext("binary data", "\x00\x01\x02"+sentinelID+strings.Repeat("\x00\xfe", 100), 1),
		ext("UTF-16 text", "\xff\xfe"+strings.Join(strings.Split(gcsv, ""), "\x00"), 1),
		ext("codes unknown to the map", csvOf(hdr, ",", func() []hostileRow {
			out := make([]hostileRow, len(good))
			for i, r := range good {
				out[i] = hostileRow{r.patient, r.date, fmt.Sprintf("A%02d.%d", i%90, i%7)}
			}
			return out
		}()), 1),
	}
	// Parquet extracts: the same rows, then with the patient ids in the code
	// column.
	parquetOf := func(rows []hostileRow) string {
		var dx []ehrtest.Diagnosis
		for _, r := range rows {
			dx = append(dx, ehrtest.Diagnosis{Subject: r.patient, Time: r.date + " 00:00:00", Code: strings.ReplaceAll(r.code, ".", ""), Version: 10})
		}
		path := filepath.Join(os.TempDir(), fmt.Sprintf("hiervec-hostile-%d.parquet", os.Getpid()))
		defer os.Remove(path)
		ehrtest.WriteParquet(hostileTB, path, dx, ehrtest.Parquet{Dictionary: true})
		b, err := os.ReadFile(path)
		if err != nil {
			hostileTB.Fatal(err)
		}
		return string(b)
	}
	cases = append(cases,
		ext("Parquet extract", parquetOf(good), 0),
		ext("Parquet extract, patient ids in the code column", parquetOf(shifted(good)), 1),
	)
	// The rare code and the patient ids never reach a written vector.
	cases[0].check = func(t *testing.T, out string) {
		t.Helper()
		filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			base := filepath.Base(p)
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") || base == "run.json" || base == "report.json" {
				return nil
			}
			b, _ := os.ReadFile(p)
			for _, rare := range []string{`"` + rareCode + `"`, `"Z9989"`} {
				if bytes.Contains(b, []byte(rare)) {
					t.Errorf("%s holds the vector of a code seen in one patient (%s)", p, rare)
				}
			}
			// The study's files hold aggregate scores, never a code.
			study := base == "study.json" || filepath.Base(filepath.Dir(p)) == "study-runs"
			if !study && !strings.Contains(base, "_cat_") && !bytes.Contains(b, []byte(`"E11.9"`)) {
				t.Errorf("%s holds no vector of E11.9, seen in many patients", p)
			}
			return nil
		})
	}
	// Other inputs than the extract.
	cases = append(cases,
		hostileCase{name: "the extract given as the CCSR map", files: map[string]string{"in.csv": gcsv},
			runs: [][]string{
				{"inspect", "-ccsr", "{in.csv}"},
				{"train", "-input", "{in.csv}", "-ccsr", "{in.csv}", "-cotrain", "-out", "{OUT}/v.json", "-quiet"},
				{"reproduce", "-input", "{in.csv}", "-ccsr", "{in.csv}", "-out", "{OUT}/rep", "-quiet"},
				{"evaluate", "-embeddings", "{emb.json}", "-ccsr", "{in.csv}", "-quiet"},
			}, exit: 1},
		hostileCase{name: "the extract given as embeddings", files: map[string]string{"in.txt": gcsv},
			runs: [][]string{
				{"evaluate", "-embeddings", "{in.txt}", "-ccsr", "{ccsr.csv}", "-quiet"},
				{"similar", "-embeddings", "{in.txt}", "E11.9"},
			}, exit: 1},
		hostileCase{name: "outcomes with patient ids in the outcome column", files: map[string]string{"in.csv": gcsv,
			"o.csv": "patient_id,year,mortality\n" + sentinelID + "0001,2019," + sentinelID + "0001\n"},
			runs: [][]string{{"evaluate", "-embeddings", "{emb.json}", "-ccsr", "{ccsr.csv}", "-input", "{in.csv}", "-outcomes", "{o.csv}", "-k", "2", "-quiet"}},
			exit: 1},
		hostileCase{name: "outcomes with patient ids as years", files: map[string]string{"in.csv": gcsv,
			"o.csv": "patient_id,year,mortality\n" + sentinelID + "0001," + sentinelID + "0001,1\n"},
			runs: [][]string{{"evaluate", "-embeddings", "{emb.json}", "-ccsr", "{ccsr.csv}", "-input", "{in.csv}", "-outcomes", "{o.csv}", "-k", "2", "-quiet"}},
			exit: 1},
		hostileCase{name: "embeddings without vectors", files: map[string]string{"e.json": "{}"},
			runs: [][]string{{"evaluate", "-embeddings", "{e.json}", "-ccsr", "{ccsr.csv}", "-quiet"}}, exit: 1},
		hostileCase{name: "an unwritable output folder", files: map[string]string{"in.csv": gcsv},
			runs: [][]string{{"train", "-input", "{in.csv}", "-out", "{OUT}/missing/v.json", "-quiet"}}, exit: 1},
	)
	// Flags, checked before any work: exit 2, nothing written.
	for _, f := range []struct {
		name string
		args []string
	}{
		{"-dim 0", []string{"train", "-dim", "0"}},
		{"-epochs 0", []string{"train", "-epochs", "0"}},
		{"-alpha 0", []string{"train", "-alpha", "0"}},
		{"-alpha -1", []string{"train", "-alpha", "-1"}},
		{"-negative 0", []string{"train", "-negative", "0"}},
		{"-dim 3000000", []string{"train", "-dim", "3000000"}},
		{"-threads 0", []string{"train", "-threads", "0"}},
		{"-model glove", []string{"train", "-model", "glove"}},
		{"-window with med2vec", []string{"train", "-model", "med2vec", "-window", "5"}},
		{"-cotrain with med2vec", []string{"train", "-model", "med2vec", "-cotrain", "-ccsr", "{ccsr.csv}"}},
		{"-med2vec-export with sg", []string{"train", "-med2vec-export", "raw"}},
		{"-shared-negatives with cbow", []string{"train", "-model", "cbow", "-shared-negatives"}},
		{"-policy middle", []string{"train", "-ccsr", "{ccsr.csv}", "-cotrain", "-policy", "middle"}},
		{"-cotrain without a map", []string{"train", "-cotrain"}},
		{"-min-patients 0", []string{"train", "-min-patients", "0"}},
		{"-min-count 0", []string{"train", "-min-count", "0"}},
		{"-input-format xml", []string{"train", "-input-format", "xml"}},
		{"-code-system ebcdic", []string{"train", "-code-system", "ebcdic"}},
		{"-dotless with the released layout", []string{"train", "-dotless"}},
		{"reproduce -dims 0", []string{"reproduce", "-ccsr", "{ccsr.csv}", "-dims", "0"}},
		{"reproduce -epochs 0", []string{"reproduce", "-ccsr", "{ccsr.csv}", "-epochs", "0"}},
		{"reproduce -k 1", []string{"reproduce", "-ccsr", "{ccsr.csv}", "-k", "1"}},
		{"reproduce -input without -ccsr", []string{"reproduce"}},
		{"evaluate -k 0", []string{"evaluate", "-embeddings", "{emb.json}", "-ccsr", "{ccsr.csv}", "-k", "0"}},
	} {
		args := append([]string{}, f.args...)
		args = append(args, "-input", "{in.csv}", "-out", "{OUT}/o.json")
		if f.args[0] == "reproduce" {
			args[len(args)-1] = "{OUT}/rep"
		}
		if f.args[0] == "evaluate" {
			args = append(f.args, "-input", "{in.csv}", "-outcomes", "{outcomes.csv}")
		}
		cases = append(cases, hostileCase{name: "flag " + f.name, files: map[string]string{"in.csv": gcsv}, runs: [][]string{args}, exit: 2})
	}
	return cases
}

// hostileResult is one row of the report.
type hostileResult struct {
	name, command string
	exit          int
	verdict       string
}

func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the hiervec binary about 200 times; skipped with -short")
	}
	bin := hiervecBinary(t)
	shared := t.TempDir()
	for name, content := range map[string]string{"ccsr.csv": hostileMap(), "outcomes.csv": hostileOutcomes(), "good.csv": csvOf("patient_id,date,icd10_code", ",", goodRows())} {
		if err := os.WriteFile(filepath.Join(shared, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	emb := filepath.Join(shared, "emb.json")
	if out, err := exec.Command(bin, "train", "-input", filepath.Join(shared, "good.csv"), "-dim", "8", "-epochs", "1",
		"-threads", "1", "-out", emb, "-quiet").CombinedOutput(); err != nil {
		t.Fatalf("training the evaluation's embeddings: %v\n%s", err, out)
	}

	var mu sync.Mutex
	var results []hostileResult
	hostileTB = t
	cases := hostileCases()
	if len(cases) < 40 {
		t.Fatalf("%d cases; the suite promises at least 40", len(cases))
	}
	for _, hc := range cases {
		t.Run(hc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range hc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			runs := hc.runs
			if runs == nil {
				runs = standardRuns(hc.extra)
			}
			for i, run := range runs {
				out := filepath.Join(dir, fmt.Sprintf("out%d", i))
				if err := os.MkdirAll(out, 0o755); err != nil {
					t.Fatal(err)
				}
				args := make([]string, len(run))
				for j, a := range run {
					a = strings.ReplaceAll(a, "{OUT}", out)
					for _, f := range []string{"ccsr.csv", "outcomes.csv", "emb.json"} {
						if _, own := hc.files[f]; !own {
							a = strings.ReplaceAll(a, "{"+f+"}", filepath.Join(shared, f))
						}
					}
					for f := range hc.files {
						a = strings.ReplaceAll(a, "{"+f+"}", filepath.Join(dir, f))
					}
					args[j] = a
				}
				cmd := exec.Command(bin, args...)
				cmd.Dir = out
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatalf("%v: %v", run, err)
				}
				verdict := "ok"
				want := hc.exit
				if w, ok := hc.exits[run[0]]; ok {
					want = w
				}
				if code != want {
					verdict = fmt.Sprintf("exit %d, want %d", code, want)
					t.Errorf("%s: exit %d, want %d\nstderr: %.600s", run[0], code, want, stderr.String())
				}
				for _, leak := range leaks(stdout.Bytes(), stderr.Bytes(), out) {
					verdict = "LEAK " + leak
					t.Errorf("%s: a patient identifier in %s", run[0], leak)
				}
				if want == 2 {
					if files := writtenFiles(out); len(files) > 0 {
						verdict = "wrote files"
						t.Errorf("%s: a usage error wrote %v", run[0], files)
					}
				}
				if hc.check != nil && code == 0 && run[0] != "inspect" && run[0] != "evaluate" {
					hc.check(t, out)
				}
				mu.Lock()
				results = append(results, hostileResult{hc.name, strings.Join(abbreviate(run), " "), code, verdict})
				mu.Unlock()
			}
		})
	}
	if path := os.Getenv("HIERVEC_HOSTILE_REPORT"); path != "" {
		var b strings.Builder
		b.WriteString("| case | command | exit | verdict |\n| --- | --- | ---: | --- |\n")
		for _, r := range results {
			fmt.Fprintf(&b, "| %s | `%s` | %d | %s |\n", r.name, r.command, r.exit, r.verdict)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// abbreviate shortens a command line for the report: file paths become
// their names.
func abbreviate(run []string) []string {
	out := make([]string, len(run))
	for i, a := range run {
		a = strings.NewReplacer("{OUT}/", "", "{", "", "}", "").Replace(a)
		out[i] = a
	}
	return out
}

// leaks returns where a sentinel identifier appears: "stdout", "stderr" or
// a file under dir.
func leaks(stdout, stderr []byte, dir string) []string {
	var where []string
	has := func(b []byte) bool {
		return bytes.Contains(b, []byte(sentinelID)) || bytes.Contains(b, []byte(mrnSentinel))
	}
	if has(stdout) {
		where = append(where, "stdout")
	}
	if has(stderr) {
		where = append(where, "stderr")
	}
	for _, f := range writtenFiles(dir) {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err == nil && has(b) {
			where = append(where, f)
		}
	}
	return where
}

// writtenFiles lists the files under dir, relative to it.
func writtenFiles(dir string) []string {
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return nil
	})
	sort.Strings(files)
	return files
}
