package corpus

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hiervec/hiervec/internal/redact"
)

// DatabaseOptions says what ReadDatabase reads from a PostgreSQL database.
type DatabaseOptions struct {
	// OMOPSchema is the schema of the OMOP CDM tables (condition_occurrence,
	// observation, measurement, procedure_occurrence). Empty means "cdm"
	// when the database has such a schema, else the search path.
	OMOPSchema string
	// VocabSchema is the schema of the vocabulary's concept table; empty
	// means OMOPSchema's.
	VocabSchema string
	// Query, when set, is read instead of the OMOP tables: a SELECT whose
	// first three columns are the patient (any type), the date (date,
	// timestamp, timestamptz or text) and the code (any type, read as
	// text) of one diagnosis per row; further columns are ignored.
	Query string
}

// IsDatabaseURL reports whether input names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a file.
func IsDatabaseURL(input string) bool {
	s := strings.ToLower(strings.TrimSpace(input))
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// InputName returns input as messages and reports may show it: a file
// path as it is; a database URL without its password and parameters
// (DatabaseName).
func InputName(input string) string {
	if IsDatabaseURL(input) {
		return DatabaseName(input)
	}
	return input
}

// DatabaseName returns a database URL without what may be secret: the
// password and every query parameter (a password may be one) are left out
// ("postgres://user@host:5432/db"). A URL that does not parse is not shown
// at all.
func DatabaseName(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return "postgres://(a database URL that does not parse)"
	}
	v := url.URL{Scheme: strings.ToLower(u.Scheme), Host: u.Host, Path: u.Path}
	if u.User != nil && u.User.Username() != "" {
		v.User = url.User(u.User.Username())
	}
	return v.String()
}

// Diagnosis vocabularies: the vocabulary_id values of OMOP source concepts
// that are diagnosis codes. Rows of the observation, measurement and
// procedure_occurrence tables are read only when their source concept is
// of one of them; every row of condition_occurrence is read.
var diagnosisVocabularies = []string{"ICD10CM", "ICD9CM", "ICD10", "ICD10GM", "ICD10CN", "ICD10CA", "CIM10", "KCD7"}

// omopTable is a CDM table that holds diagnoses, and its columns.
type omopTable struct {
	table, id, date, concept, value string
	all                             bool // read every row (else: rows of diagnosis vocabularies only)
}

var omopTables = []omopTable{
	{"condition_occurrence", "condition_occurrence_id", "condition_start_date", "condition_source_concept_id", "condition_source_value", true},
	{"observation", "observation_id", "observation_date", "observation_source_concept_id", "observation_source_value", false},
	{"measurement", "measurement_id", "measurement_date", "measurement_source_concept_id", "measurement_source_value", false},
	{"procedure_occurrence", "procedure_occurrence_id", "procedure_date", "procedure_source_concept_id", "procedure_source_value", false},
}

// ReadDatabase reads the diagnoses of a PostgreSQL database given by a
// postgres:// URL: the ICD-10-CM (opt.CodeSystem's) source codes of an
// OMOP CDM v5.4 schema, or the rows of opt.Database.Query. See the package
// doc for which rows and codes are read and why. The rows go through the
// checks, counts and code gate of every extract reader; ReadReport.Sources
// breaks the counts down by table. Every query runs in one read-only,
// repeatable-read transaction, so the tables are read as of one moment,
// and rows stream from the server as they are read: memory is the
// corpus's. Patient identifiers never reach an error or the report (but
// PatientIDs); errors name the database without its password, and a
// server's message quotes a value only when it is shaped like an
// identifier. The context stops the read, cancelling the running query.
func ReadDatabase(ctx context.Context, rawURL string, opt ReadOptions) (*Corpus, *ReadReport, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	name := DatabaseName(rawURL)
	cfg, err := pgx.ParseConfig(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %s: not a usable PostgreSQL URL (expected postgres://USER@HOST:PORT/DATABASE, the password best in PGPASSWORD or ~/.pgpass); the URL is not quoted, as it may hold a password", name)
	}
	password := cfg.Password
	fail := func(what string, err error) error { return dbError(name, what, password, err) }
	cfg.RuntimeParams["application_name"] = "hiervec"
	cfg.RuntimeParams["DateStyle"] = "ISO, YMD"
	cfg.RuntimeParams["TimeZone"] = "UTC"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fail("connect", err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, nil, fail("begin a read-only transaction", err)
	}
	defer tx.Rollback(context.Background())

	r := &dbReader{name: name, fail: fail}
	r.sink = newRowSink(opt, func() *CodeColumnError {
		return &CodeColumnError{File: name, Line: int(r.row), Row: true, Source: r.codeSource}
	})
	if q := strings.TrimSpace(opt.Database.Query); q != "" {
		if err := r.readQuery(ctx, tx, q); err != nil {
			return nil, nil, err
		}
	} else if err := r.readOMOP(ctx, tx, opt.Database); err != nil {
		return nil, nil, err
	}
	c, rep, err := r.sink.end()
	if err != nil {
		return nil, nil, err
	}
	rep.Sources = r.sources
	return c, rep, nil
}

// dbReader reads the sources of one database into one sink.
type dbReader struct {
	name       string
	fail       func(what string, err error) error
	sink       *rowSink
	sources    []SourceReport
	row        int64  // 1-based row of the current source
	codeSource string // where the current codes come from, for a *CodeColumnError
	pid, code  []byte // reused buffers
}

// readOMOP reads the diagnosis tables of an OMOP CDM schema.
func (r *dbReader) readOMOP(ctx context.Context, tx pgx.Tx, o DatabaseOptions) error {
	schema := o.OMOPSchema
	if schema == "" {
		var hasCDM bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'cdm')").Scan(&hasCDM); err != nil {
			return r.fail("look for a cdm schema", err)
		}
		if hasCDM {
			schema = "cdm"
		}
	}
	vocab := o.VocabSchema
	if vocab == "" {
		vocab = schema
	}
	where := func(s string) string {
		if s == "" {
			return "on the search path"
		}
		return "in schema " + strconv.Quote(s)
	}
	exists := func(schema, table string) (bool, error) {
		var ok bool
		err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", qualified(schema, table)).Scan(&ok)
		return ok, err
	}
	if ok, err := exists(vocab, "concept"); err != nil {
		return r.fail("look for the concept table", err)
	} else if !ok {
		return fmt.Errorf("corpus: %s: no concept table %s; name the schema of the OMOP vocabulary with -vocab-schema (DatabaseOptions.VocabSchema), or read other tables with -query", r.name, where(vocab))
	}
	want, other := "ICD10CM", "ICD9CM"
	if r.sink.sys.version == "9" {
		want, other = other, want
	}
	for _, t := range omopTables {
		src := displayName(schema, t.table)
		ok, err := exists(schema, t.table)
		if err != nil {
			return r.fail("look for table "+src, err)
		}
		if !ok {
			if t.all {
				return fmt.Errorf("corpus: %s: no condition_occurrence table %s; name the OMOP CDM schema with -omop-schema (DatabaseOptions.OMOPSchema), or read other tables with -query", r.name, where(schema))
			}
			r.sources = append(r.sources, SourceReport{Name: src, Absent: true})
			continue
		}
		ref := func(col string) string { return "t." + pgx.Identifier{col}.Sanitize() }
		concept := qualified(vocab, "concept")
		var q string
		var args []any
		if t.all {
			q = fmt.Sprintf("SELECT %s::text, %s, c.vocabulary_id, c.concept_code, CASE WHEN c.concept_id IS NULL THEN %s::text END FROM %s t LEFT JOIN %s c ON c.concept_id = %s AND %s <> 0 ORDER BY %s",
				ref("person_id"), ref(t.date), ref(t.value), qualified(schema, t.table), concept, ref(t.concept), ref(t.concept), ref(t.id))
			r.codeSource = fmt.Sprintf("%s (the concept_code of %s source concepts, else %s)", src, want, t.value)
		} else {
			q = fmt.Sprintf("SELECT %s::text, %s, c.vocabulary_id, c.concept_code, NULL::text FROM %s t JOIN %s c ON c.concept_id = %s WHERE c.vocabulary_id = ANY($1::text[]) ORDER BY %s",
				ref("person_id"), ref(t.date), qualified(schema, t.table), concept, ref(t.concept), ref(t.id))
			args = []any{diagnosisVocabularies}
			r.codeSource = fmt.Sprintf("%s (the concept_code of %s source concepts)", src, want)
		}
		rep, err := r.readSource(ctx, tx, src, q, args, omopRow{want: want, other: other, column: t})
		if err != nil {
			return err
		}
		r.sources = append(r.sources, rep)
	}
	return nil
}

// omopRow says how to read the rows of an OMOP table.
type omopRow struct {
	want, other string // the code system's vocabulary_id, and the other ICD version's
	column      omopTable
}

// readQuery reads the rows of a user's query.
func (r *dbReader) readQuery(ctx context.Context, tx pgx.Tx, query string) error {
	query = strings.TrimRight(strings.TrimSpace(query), "; \t\r\n")
	const head = "SELECT q.p::text, q.d, q.c::text FROM ("
	q := head + query + "\n) AS q (p, d, c)"
	r.codeSource = "the query's third column"
	fail := r.fail
	defer func() { r.fail = fail }()
	r.fail = func(what string, err error) error { return fail(what, queryError{err, len([]rune(head))}) }
	rep, err := r.readSource(ctx, tx, "query", q, nil, omopRow{})
	if err != nil {
		return err
	}
	r.sources = append(r.sources, rep)
	return nil
}

// readSource streams the rows of one query into the sink: columns patient
// (text), date, and for an OMOP table (o.want set) vocabulary_id,
// concept_code and the source value; for a user's query, the code.
func (r *dbReader) readSource(ctx context.Context, tx pgx.Tx, src, q string, args []any, o omopRow) (SourceReport, error) {
	s := r.sink
	before := s.snapshot()
	file := r.name + " " + src
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := tx.Query(qctx, q, args...)
	if err != nil {
		return SourceReport{}, r.fail("read "+src, err)
	}
	// On an early return the query is cancelled before rows.Close, which
	// would otherwise read the rest of the result.
	defer rows.Close()
	defer cancel()
	fds := rows.FieldDescriptions()
	if len(fds) < 3 { // the query failed: its error comes with Close
		cancel()
		rows.Close()
		if ctx.Err() != nil {
			return SourceReport{}, fmt.Errorf("corpus: %s: reading stopped: %w", file, ctx.Err())
		}
		err := rows.Err()
		if err == nil {
			err = fmt.Errorf("the query returned %d columns; expected the patient, the date and the code", len(fds))
		}
		return SourceReport{}, r.fail("read "+src, err)
	}
	dateOID := fds[1].DataTypeOID
	switch dateOID {
	case pgtype.DateOID, pgtype.TimestampOID, pgtype.TimestamptzOID, pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.UnknownOID:
	default:
		return SourceReport{}, fmt.Errorf("corpus: %s: the date column is of type %s; expected a date, a timestamp, a timestamptz or text", file, typeName(dateOID))
	}
	bad := func(field string, err error) func() error {
		return func() error { return &ParseError{File: file, Line: int(r.row), Row: true, Field: field, Err: err} }
	}
	fromValue := int64(0)
	skipped := map[string]int64{}
	r.row = 0
	for rows.Next() {
		if err := s.stopped(ctx); err != nil {
			return SourceReport{}, fmt.Errorf("corpus: %s: reading stopped at row %d: %w", file, r.row+1, err)
		}
		r.row++
		s.row()
		raw := rows.RawValues()
		pidCol := "patient"
		if o.want != "" {
			pidCol = "person_id"
		}
		if raw[0] == nil || len(trimBytes(raw[0])) == 0 {
			if err := s.bad(ReasonEmptyPatient, bad("patient", fmt.Errorf("%s is empty or NULL; expected an identifier", pidCol))); err != nil {
				return SourceReport{}, err
			}
			continue
		}
		r.pid = append(r.pid[:0], trimBytes(raw[0])...)
		date, ok, shown := dbDate(dateOID, fds[1].Format, raw[1])
		if !ok {
			if err := s.bad(ReasonDate, bad("date", fmt.Errorf("date %s: %s", shown, dbDateExpected))); err != nil {
				return SourceReport{}, err
			}
			continue
		}
		var code []byte
		omopValue := false
		if o.want != "" {
			voc := raw[2]
			switch {
			case voc == nil: // no source concept: the source value
				code, omopValue = raw[4], true
			case string(voc) == o.want:
				code = raw[3]
			case string(voc) == o.other:
				s.skip(ReasonICDVersion)
				continue
			default:
				s.skip(ReasonVocabulary)
				skipped[vocabularyKey(voc)]++
				continue
			}
			if code == nil || emptyCode(bytesView(code)) {
				s.skip(ReasonEmptyCode) // a row without a code: a fact of OMOP data, not a broken row
				continue
			}
		} else {
			code = raw[2]
		}
		r.code = append(r.code[:0], code...)
		id, verdict, err := s.codeOf(bytesView(r.code))
		if err != nil {
			return SourceReport{}, err
		}
		switch verdict {
		case codeEmpty:
			if err := s.bad(ReasonEmptyCode, bad("code", fmt.Errorf("code is empty or NULL; expected %s", aCode(s.sys.Name())))); err != nil {
				return SourceReport{}, err
			}
			continue
		case codeRejected:
			continue
		}
		s.accept(bytesView(r.pid), date, id)
		if omopValue {
			fromValue++
		}
	}
	if err := rows.Err(); err != nil {
		if ctx.Err() != nil {
			return SourceReport{}, fmt.Errorf("corpus: %s: reading stopped at row %d: %w", file, r.row+1, ctx.Err())
		}
		return SourceReport{}, r.fail("read "+src, err)
	}
	rep := s.since(before)
	rep.Name, rep.FromSourceValue = src, fromValue
	if len(skipped) > 0 {
		rep.SkippedVocabularies = skipped
	}
	return rep, nil
}

// dbDateExpected is the "what was expected" part of a database date
// error.
const dbDateExpected = "expected a date, a timestamp or a date string like 2019-03-04, in the years 1 to 9999"

// pgEpochDays is 2000-01-01, PostgreSQL's epoch, in days since 1970-01-01.
const pgEpochDays = 10957

// dbDate decodes a date column's value (text or binary format) to
// yyyymmdd; when it is not a date it returns false and the value rendered
// for a message.
func dbDate(oid uint32, format int16, v []byte) (int32, bool, string) {
	if v == nil {
		return 0, false, "NULL"
	}
	var days int64
	switch {
	case format == pgtype.BinaryFormatCode && oid == pgtype.DateOID && len(v) == 4:
		days = int64(int32(binary.BigEndian.Uint32(v))) + pgEpochDays
	case format == pgtype.BinaryFormatCode && (oid == pgtype.TimestampOID || oid == pgtype.TimestamptzOID) && len(v) == 8:
		days = floorDiv(int64(binary.BigEndian.Uint64(v)), 86400e6) + pgEpochDays
	default: // text
		s := bytesView(v)
		d, ok := parseDate(s)
		if !ok {
			return 0, false, redact.Date(s)
		}
		return d, true, ""
	}
	y, m, d := civilFromDays(days)
	if y < 1 || y > 9999 {
		return 0, false, "out of range (infinity, or a year past 9999)"
	}
	return int32(y*10000 + m*100 + d), true, ""
}

// vocabularyKey is how a skipped vocabulary_id is counted: as itself when
// it is shaped like one (letters, digits, '_', '-', a space: ICD9CM,
// SNOMED, Read), else as "(other)".
func vocabularyKey(v []byte) string {
	if looksLikeColumnName(bytesView(v)) {
		return string(v)
	}
	return "(other)"
}

// typeName names a type OID for a message.
func typeName(oid uint32) string {
	if t, ok := pgtype.NewMap().TypeForOID(oid); ok {
		return t.Name
	}
	return "OID " + strconv.FormatUint(uint64(oid), 10)
}

// qualified returns schema.table quoted for SQL, or table alone when
// schema is empty (the search path).
func qualified(schema, table string) string {
	if schema == "" {
		return pgx.Identifier{table}.Sanitize()
	}
	return pgx.Identifier{schema, table}.Sanitize()
}

// displayName returns schema.table for messages and reports.
func displayName(schema, table string) string {
	if schema == "" {
		return table
	}
	return schema + "." + table
}

// dbError wraps an error of the driver or the server for a message: the
// database named without its password; a server's error by its severity,
// message and SQLSTATE code, its quoted words kept only when shaped like
// identifiers (a value in a message, such as `invalid input syntax for
// type date: "..."`, may be a patient's) and its detail left out; any
// other error's text with the password, should it appear, masked.
func dbError(name, what, password string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("corpus: %s: %s: stopped: %w", name, what, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		msg := fmt.Sprintf("%s: %s (SQLSTATE %s)", pe.Severity, serverText(pe.Message), pe.Code)
		var qe queryError
		if errors.As(err, &qe) && int(pe.Position) > qe.offset {
			msg += fmt.Sprintf(", at character %d of the query", int(pe.Position)-qe.offset)
		}
		if pe.Hint != "" {
			msg += "; hint: " + serverText(pe.Hint)
		}
		return fmt.Errorf("corpus: %s: %s: server error %s", name, what, maskPassword(msg, password))
	}
	return fmt.Errorf("corpus: %s: %s: %s", name, what, maskPassword(err.Error(), password))
}

// queryError is an error of a user's query wrapped in the reader's: the
// query starts at character offset+1 of the statement sent.
type queryError struct {
	err    error
	offset int
}

func (e queryError) Error() string { return e.err.Error() }
func (e queryError) Unwrap() error { return e.err }

// serverText keeps a server message's double-quoted words when each
// dot-separated part is shaped like an identifier (see looksLikeColumnName)
// and describes them otherwise.
func serverText(msg string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		j := strings.IndexByte(msg[i+1:], '"')
		if j < 0 {
			b.WriteString(msg[:i])
			b.WriteString("(" + redact.Describe(msg[i+1:]) + ")")
			return b.String()
		}
		word := msg[i+1 : i+1+j]
		b.WriteString(msg[:i])
		ok := word != ""
		for part := range strings.SplitSeq(word, ".") {
			ok = ok && looksLikeColumnName(part)
		}
		if ok {
			b.WriteString(`"` + word + `"`)
		} else {
			b.WriteString("(" + redact.Describe(word) + ")")
		}
		msg = msg[i+1+j+1:]
	}
}

// maskPassword replaces every occurrence of password (and of its URL
// encoding) in s.
func maskPassword(s, password string) string {
	if password == "" {
		return s
	}
	for _, p := range []string{password, url.QueryEscape(password), url.PathEscape(password)} {
		s = strings.ReplaceAll(s, p, "xxxxx")
	}
	return s
}
