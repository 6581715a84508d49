package corpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hiervec/hiervec/internal/ehrtest"
	"github.com/hiervec/hiervec/internal/pgtest"
)

// dbSentinel is a patient identifier that must never reach an error, a
// report or a token; dbSentinelPerson the same as an OMOP person_id.
const (
	dbSentinel       = "PID-SENTINEL-8675309"
	dbSentinelPerson = 867530942
)

// noSentinel fails when err, the report (as JSON, as the CLI prints it) or
// a token holds a sentinel, or a password.
func noSentinel(t *testing.T, what string, err error, c *Corpus, rep *ReadReport, secrets ...string) {
	t.Helper()
	var text []string
	if err != nil {
		text = append(text, err.Error())
	}
	if rep != nil {
		b, _ := json.Marshal(rep)
		text = append(text, string(b))
	}
	if c != nil {
		text = append(text, c.Vocab.Words...)
	}
	for _, s := range append([]string{dbSentinel, "8675309", fmt.Sprint(dbSentinelPerson)}, secrets...) {
		for _, x := range text {
			if strings.Contains(x, s) {
				t.Errorf("%s: %q reached an error, the report or a token: %s", what, s, x)
			}
		}
	}
}

// TestDatabase starts one PostgreSQL server and runs the database reader's
// tests on it.
func TestDatabase(t *testing.T) {
	srv := pgtest.Start(t)
	rows := ehrtest.MIMIC(t)
	sample := pgtest.OMOPSample(t, rows)
	ctx := context.Background()
	want, wantRep, err := ReadExtract(ctx, strings.NewReader(ehrtest.CSV(sample.Rows, true)), "omop.csv", DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OMOP matches CSV", func(t *testing.T) {
		conn := srv.CreateDB(t, "omop")
		pgtest.LoadOMOP(t, conn, "cdm", "cdm", sample)
		url := srv.URL("omop")
		if f, err := DetectFormat(url, DefaultReadOptions()); err != nil || f != FormatDatabase {
			t.Fatalf("DetectFormat = %v, %v", f, err)
		}
		got, gotRep, err := ReadFile(ctx, url, FormatAuto, DefaultReadOptions())
		if err != nil {
			t.Fatal(err)
		}
		sameRead(t, "OMOP", want, wantRep, got, gotRep)
		noSentinel(t, "OMOP", nil, got, gotRep, srv.Password)
		// Per table: every row of condition_occurrence, the routed codes
		// in the others, ICD-9 rows skipped as the CSV's icd_version does.
		bySource := map[string]SourceReport{}
		for _, s := range gotRep.Sources {
			bySource[s.Name] = s
		}
		for _, tt := range []struct {
			name           string
			rows, accepted int64
			fromValue      int64
		}{
			{"cdm.condition_occurrence", int64(len(sample.Condition)), int64(len(sample.Condition)) - 2193, int64(sample.FromSourceValue)},
			{"cdm.observation", int64(len(sample.Observation)), int64(len(sample.Observation)), 0},
			{"cdm.measurement", int64(len(sample.Measurement)), int64(len(sample.Measurement)), 0},
			{"cdm.procedure_occurrence", int64(len(sample.Procedure)), int64(len(sample.Procedure)), 0},
		} {
			s := bySource[tt.name]
			if s.Rows != tt.rows || s.Accepted != tt.accepted || s.FromSourceValue != tt.fromValue || s.Rows == 0 {
				t.Errorf("%s: %+v; want %d rows, %d accepted, %d from the source value", tt.name, s, tt.rows, tt.accepted, tt.fromValue)
			}
		}
		if n := bySource["cdm.condition_occurrence"].SkippedByReason[ReasonICDVersion]; n != 2193 {
			t.Errorf("ICD-9 rows skipped: %d, want 2193", n)
		}
	})

	t.Run("named schemas and the search path", func(t *testing.T) {
		conn := srv.CreateDB(t, "omop2")
		pgtest.LoadOMOP(t, conn, "omop54", "vocab", sample)
		opt := DefaultReadOptions()
		opt.Database = DatabaseOptions{OMOPSchema: "omop54", VocabSchema: "vocab"}
		got, gotRep, err := ReadDatabase(ctx, srv.URL("omop2"), opt)
		if err != nil {
			t.Fatal(err)
		}
		sameRead(t, "named schemas", want, wantRep, got, gotRep)
		// Without the flags: no cdm schema, and the tables are not on the
		// search path; the error says which flag to use.
		_, _, err = ReadDatabase(ctx, srv.URL("omop2"), DefaultReadOptions())
		if err == nil || !strings.Contains(err.Error(), "-vocab-schema") {
			t.Errorf("error %v, want one naming -vocab-schema", err)
		}
		opt.Database.OMOPSchema = "nosuch"
		_, _, err = ReadDatabase(ctx, srv.URL("omop2"), opt)
		if err == nil || !strings.Contains(err.Error(), "no condition_occurrence table in schema \"nosuch\"") || !strings.Contains(err.Error(), "-omop-schema") {
			t.Errorf("error %v, want one naming the schema and -omop-schema", err)
		}
		// On the search path: the public schema.
		pub := srv.CreateDB(t, "omop3")
		pgtest.LoadOMOP(t, pub, "public", "public", sample)
		pgtest.Exec(t, pub, "DROP TABLE measurement")
		_, gotRep, err = ReadDatabase(ctx, srv.URL("omop3"), DefaultReadOptions())
		if err != nil {
			t.Fatal(err)
		}
		if gotRep.Accepted != wantRep.Accepted-int64(len(sample.Measurement)) {
			t.Errorf("search path, no measurement table: %d accepted, want %d", gotRep.Accepted, wantRep.Accepted-int64(len(sample.Measurement)))
		}
		var absent []string
		for _, s := range gotRep.Sources {
			if s.Absent {
				absent = append(absent, s.Name)
			}
		}
		if fmt.Sprint(absent) != "[measurement]" {
			t.Errorf("absent tables %v, want [measurement]", absent)
		}
	})

	t.Run("query", func(t *testing.T) {
		conn := srv.CreateDB(t, "plain")
		pgtest.Exec(t, conn, "CREATE TABLE dx (id serial, subject text, at timestamp, day date, day_text text, code text, version int)")
		var icd10 []ehrtest.Diagnosis
		for _, r := range rows {
			pgtest.Exec(t, conn, fmt.Sprintf("INSERT INTO dx (subject, at, day, day_text, code, version) VALUES ('%s', '%s', '%s', '%s', '%s', %d)",
				r.Subject, r.Time, r.Time[:10], r.Time, r.Code, r.Version))
			if r.Version == 10 {
				icd10 = append(icd10, r)
			}
		}
		csvWant, csvRep, err := ReadExtract(ctx, strings.NewReader(ehrtest.CSV(icd10, false)), "icd10.csv", DefaultReadOptions())
		if err != nil {
			t.Fatal(err)
		}
		for _, date := range []string{"at", "day", "day_text"} {
			opt := DefaultReadOptions()
			opt.Database.Query = fmt.Sprintf("SELECT subject, %s, code FROM dx WHERE version = 10 ORDER BY id;", date)
			got, gotRep, err := ReadDatabase(ctx, srv.URL("plain"), opt)
			if err != nil {
				t.Fatalf("%s: %v", date, err)
			}
			sameRead(t, "query by "+date, csvWant, csvRep, got, gotRep)
			if len(gotRep.Sources) != 1 || gotRep.Sources[0].Name != "query" || gotRep.Sources[0].Rows != 2313 {
				t.Errorf("sources %+v", gotRep.Sources)
			}
		}
		opt := DefaultReadOptions()
		opt.Database.Query = "SELECT subject, version, code FROM dx"
		_, _, err = ReadDatabase(ctx, srv.URL("plain"), opt)
		if err == nil || !strings.Contains(err.Error(), "the date column is of type int4") {
			t.Errorf("integer dates: %v", err)
		}
		opt.Database.OMOPSchema = "cdm"
		if _, _, err = ReadDatabase(ctx, srv.URL("plain"), opt); err == nil || !strings.Contains(err.Error(), "do not apply") {
			t.Errorf("-query with -omop-schema: %v", err)
		}
	})

	t.Run("hostile", func(t *testing.T) {
		conn := srv.CreateDB(t, "hostile")
		pgtest.LoadOMOP(t, conn, "cdm", "cdm", sample)
		pgtest.Exec(t, conn,
			// The sentinel as a person with local text, NULL and
			// SNOMED-sourced rows, and a row whose source value is an id.
			fmt.Sprintf("INSERT INTO cdm.person VALUES (%d, 0, 1970, 0, 0, '%s')", dbSentinelPerson, dbSentinel),
			"INSERT INTO cdm.concept VALUES (4000001, 'x', 'Condition', 'SNOMED', 'Clinical Finding', 'S', '44054006', '1970-01-01', '2099-12-31', NULL)",
			fmt.Sprintf(`INSERT INTO cdm.condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date,
				condition_type_concept_id, condition_source_value, condition_source_concept_id) VALUES
				(100001, %[1]d, 0, '2150-01-01', 32817, '%[2]s', 0),
				(100002, %[1]d, 0, '2150-01-02', 32817, NULL, 0),
				(100003, %[1]d, 0, '2150-01-03', 32817, 'diabetes, type 2 %[2]s', NULL),
				(100004, %[1]d, 0, '2150-01-04', 32817, '%[2]s', 4000001),
				(100005, %[1]d, 0, '2150-01-05', 32817, 'E11.9', 0)`, dbSentinelPerson, dbSentinel),
		)
		got, rep, err := ReadDatabase(ctx, srv.URL("hostile"), DefaultReadOptions())
		if err != nil {
			t.Fatal(err)
		}
		noSentinel(t, "hostile rows", nil, got, rep, srv.Password)
		cond := rep.Sources[0]
		if cond.SkippedByReason[ReasonCodeSyntax] != 2 || cond.SkippedByReason[ReasonEmptyCode] != 1 || cond.SkippedByReason[ReasonVocabulary] != 1 ||
			cond.SkippedVocabularies["SNOMED"] != 1 || rep.Accepted != wantRep.Accepted+1 || rep.Rows != rep.Accepted+rep.Skipped {
			t.Errorf("hostile rows: %+v, report %+v", cond, rep)
		}
		if len(rep.PatientIDs) != int(wantRep.Patients)+1 || rep.PatientIDs[len(rep.PatientIDs)-1] != fmt.Sprint(dbSentinelPerson) {
			t.Errorf("PatientIDs: %d, the last not the sentinel person", len(rep.PatientIDs))
		}

		// A table of ids where codes should be: the gate stops the read,
		// naming the table, never a value.
		pgtest.Exec(t, conn, "CREATE SCHEMA ids", "CREATE TABLE ids.condition_occurrence (LIKE cdm.condition_occurrence)")
		for i := 0; i < 50; i++ {
			pgtest.Exec(t, conn, fmt.Sprintf(`INSERT INTO ids.condition_occurrence (condition_occurrence_id, person_id, condition_concept_id,
				condition_start_date, condition_type_concept_id, condition_source_value, condition_source_concept_id)
				VALUES (%d, %d, 0, '2150-01-01', 32817, '%s-%d', 0)`, i, dbSentinelPerson, dbSentinel, i))
		}
		opt := DefaultReadOptions()
		opt.Database = DatabaseOptions{OMOPSchema: "ids", VocabSchema: "cdm"}
		_, _, err = ReadDatabase(ctx, srv.URL("hostile"), opt)
		var ce *CodeColumnError
		if !errors.As(err, &ce) || !ce.Early || !strings.Contains(err.Error(), "ids.condition_occurrence") || !strings.Contains(err.Error(), "row 20") {
			t.Errorf("ids as codes: %v", err)
		}
		noSentinel(t, "ids as codes", err, nil, nil, srv.Password)

		// A query whose rows put ids in the date column; whose server
		// error quotes a value.
		for _, tt := range []struct {
			query, want string
			skipBad     bool
		}{
			{fmt.Sprintf("SELECT '%s'::text, '%s'::text, 'E11.9'::text", dbSentinel, dbSentinel), "row 1: date a value of", false},
			{fmt.Sprintf("SELECT NULL::text, '2019-01-01'::date, '%s'::text", dbSentinel), "row 1: patient is empty or NULL", false},
			{fmt.Sprintf("SELECT 'p'::text, '%s'::date, 'E11.9'::text", dbSentinel), "invalid input syntax for type date: (a value of", false},
			{fmt.Sprintf("SELECT '%s'::text, '2019-01-01'::date, NULL::text", dbSentinel), "row 1: code is empty or NULL", false},
			{fmt.Sprintf("SELECT '%s'::text, '2019-01-01'::date, NULL::text UNION ALL SELECT '%s', '2019-01-01'::date, 'E11.9'", dbSentinel, dbSentinel), "", true},
		} {
			opt := DefaultReadOptions()
			opt.SkipBad = tt.skipBad
			opt.Database.Query = tt.query
			c, rep, err := ReadDatabase(ctx, srv.URL("hostile"), opt)
			if tt.want == "" {
				if err != nil || rep.SkippedByReason[ReasonEmptyCode] != 1 || rep.Accepted != 1 {
					t.Errorf("%s: %v, %+v", tt.query, err, rep)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: error %v, want %q", tt.query, err, tt.want)
			}
			noSentinel(t, tt.query, err, c, rep, srv.Password)
		}

		// Connection errors never show the password.
		for _, url := range []string{
			strings.Replace(srv.URL("hostile"), srv.Password, srv.Password+"x", 1), // wrong password
			fmt.Sprintf("postgres://%s:%s@127.0.0.1:1/hostile?sslmode=disable", pgtest.User, srv.Password),
			fmt.Sprintf("postgres://%s@127.0.0.1:%d/nosuchdb?sslmode=disable&password=%s", pgtest.User, srv.Port, srv.Password),
			"postgres://" + pgtest.User + ":" + srv.Password + "@127.0.0.1:port/x",
		} {
			_, _, err := ReadDatabase(ctx, url, DefaultReadOptions())
			if err == nil {
				t.Errorf("%s: no error", DatabaseName(url))
			}
			noSentinel(t, "connect", err, nil, nil, srv.Password)
			if !strings.Contains(err.Error(), "postgres://") {
				t.Errorf("error %v does not name the database", err)
			}
		}
	})

	t.Run("stops", func(t *testing.T) {
		// An endless stream of rows: the context (Ctrl-C) and the code gate
		// stop it by cancelling the query; reading it to its end would take
		// hours.
		endless := func(code string) string {
			return "SELECT (g % 5000)::text, DATE '2150-01-01' + (g % 300)::int, '" + code +
				"' FROM (SELECT generate_series(1, 2000000000) AS g) s"
		}
		read := func(ctx context.Context, query string) error {
			opt := DefaultReadOptions()
			opt.Database.Query = query
			done := make(chan error, 1)
			go func() {
				_, _, err := ReadDatabase(ctx, srv.URL("postgres"), opt)
				done <- err
			}()
			select {
			case err := <-done:
				return err
			case <-time.After(60 * time.Second):
				t.Fatal("the read did not stop: the query was drained, not cancelled")
			}
			return nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := read(ctx, endless("E11.9")); !errors.Is(err, context.Canceled) {
			t.Errorf("done before: %v", err)
		}
		ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := read(ctx, endless("E11.9")); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "reading stopped at row") {
			t.Errorf("done while reading: %v", err)
		}
		if err := read(context.Background(), endless("local text")); !errors.Is(err, ErrCodeColumn) || !strings.Contains(err.Error(), "row 20:") {
			t.Errorf("local text: %v", err)
		}
	})
}
