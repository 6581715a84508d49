package reproduce

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/ehrtest"
	"github.com/hiervec/hiervec/internal/pgtest"
	"github.com/hiervec/hiervec/internal/shareddata"
	"github.com/hiervec/hiervec/trainer"
)

// TestRunFromDatabase reproduces from an OMOP database (the MIMIC-IV demo's
// diagnoses in a private PostgreSQL server) and checks that the URL's
// password reaches no file of the output folder.
func TestRunFromDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server; skipped with -short")
	}
	ccsr := shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz")
	srv := pgtest.Start(t)
	conn := srv.CreateDB(t, "omop")
	pgtest.LoadOMOP(t, conn, "cdm", "cdm", pgtest.OMOPSample(t, ehrtest.MIMIC(t)))
	dbURL := srv.URL("omop")
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	password, ok := u.User.Password()
	if !ok || password == "" {
		t.Fatalf("the test server's URL has no password: %s", dbURL)
	}

	cfg := DefaultConfig()
	cfg.Out = t.TempDir()
	cfg.Input, cfg.CCSR = dbURL, ccsr
	cfg.Models, cfg.Dims, cfg.Variants = []trainer.Model{trainer.SkipGram}, []int{8}, []string{"sep"}
	cfg.Word2Vec.Epochs, cfg.Word2Vec.Workers = 1, 1
	cfg.Ks = []int{2}
	cfg.MinPatients = 1
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Codes == 0 || len(res.Trained) != 2 {
		t.Fatalf("read %d codes, trained %v", res.Codes, res.Trained)
	}
	filepath.WalkDir(cfg.Out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), password) {
			t.Errorf("%s holds the database password", p)
		}
		return nil
	})
	md, _ := os.ReadFile(filepath.Join(cfg.Out, ReportMarkdown))
	if !strings.Contains(string(md), "postgres://"+u.User.Username()+"@") {
		t.Errorf("report.md does not name the database:\n%.400s", md)
	}
	// The same command resumes: the manifest records the input without its password.
	again, err := Run(context.Background(), cfg, nil)
	if err != nil || len(again.Resumed) != 2 {
		t.Fatalf("second run: resumed %v, %v", again.Resumed, err)
	}
}
