package pgtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hiervec/hiervec/internal/ehrtest"
)

// Event is one row of an OMOP CDM event table.
type Event struct {
	ID              int64
	Person          int64
	Time            time.Time // the start date (and datetime)
	SourceValue     *string   // *_source_value; nil is NULL
	SourceConceptID *int64    // *_source_concept_id; nil is NULL, 0 is "no matching concept"
}

// Concept is one row of the OMOP concept table.
type Concept struct {
	ID         int64
	Vocabulary string
	Code       string
	Domain     string
}

// Sample is an OMOP CDM v5.4 sample: its event tables, its concepts, and
// the rows of the equivalent extract.
type Sample struct {
	Condition, Observation, Measurement, Procedure []Event
	Concepts                                       []Concept
	// Rows are the same diagnoses as an extract (with icd_version): the
	// condition_occurrence rows, then observation's, measurement's and
	// procedure_occurrence's, each table in id order, as the OMOP reader
	// reads them.
	Rows []ehrtest.Diagnosis
	// FromSourceValue counts the ICD-10-CM condition rows written without
	// a source concept (0 or NULL), read through their source value.
	FromSourceValue int
}

// Domain routing of the sample: ICD-10-CM codes whose OMOP target domain
// is not Condition sit in other tables, as an OMOP ETL puts them (history
// and long-term drug therapy: Observation; body mass index: Measurement;
// chemotherapy encounters: Procedure).
var routes = []struct{ prefixes, table string }{
	{"Z79 Z86 Z87 Z91", "observation"},
	{"Z68", "measurement"},
	{"Z51", "procedure_occurrence"},
}

// OMOPSample builds an OMOP sample from extract rows (the MIMIC-IV demo's):
// ICD-10 rows in condition_occurrence with an ICD10CM source concept, but
// those whose target domain is not Condition (see routes) in observation,
// measurement or procedure_occurrence; every tenth ICD-10 condition row
// with source concept 0 and every 25th with a NULL one, read through
// their (dotted) source value; ICD-9 rows in condition_occurrence with an
// ICD9CM source concept.
func OMOPSample(tb testing.TB, rows []ehrtest.Diagnosis) *Sample {
	tb.Helper()
	s := &Sample{}
	concepts := map[string]int64{} // vocabulary/code -> id
	concept := func(vocab, code, domain string) int64 {
		k := vocab + "/" + code
		if id, ok := concepts[k]; ok {
			return id
		}
		id := int64(1_000_000 + len(s.Concepts))
		if vocab == "ICD9CM" {
			id += 1_000_000
		}
		concepts[k] = id
		s.Concepts = append(s.Concepts, Concept{ID: id, Vocabulary: vocab, Code: code, Domain: domain})
		return id
	}
	var obs, meas, proc []ehrtest.Diagnosis
	var cond []ehrtest.Diagnosis
	tenth := 0
	for _, r := range rows {
		var person int64
		if _, err := fmt.Sscan(r.Subject, &person); err != nil {
			tb.Fatalf("pgtest: subject_id is not an integer")
		}
		code := r.Code
		t := r.Date()
		table := "condition_occurrence"
		if r.Version == 10 {
			for _, rt := range routes {
				for p := range strings.FieldsSeq(rt.prefixes) {
					if strings.HasPrefix(code, p) {
						table = rt.table
					}
				}
			}
		}
		vocab, dotted := "ICD10CM", dotICD10(code)
		if r.Version == 9 {
			vocab, dotted = "ICD9CM", dotICD9(code)
		}
		domain := map[string]string{"condition_occurrence": "Condition", "observation": "Observation", "measurement": "Measurement", "procedure_occurrence": "Procedure"}[table]
		id := concept(vocab, dotted, domain)
		raw := code
		e := Event{Person: person, Time: t, SourceValue: &raw, SourceConceptID: &id}
		switch table {
		case "condition_occurrence":
			if r.Version == 10 {
				tenth++
				switch {
				case tenth%25 == 0:
					e.SourceConceptID, e.SourceValue = nil, &dotted
					s.FromSourceValue++
				case tenth%10 == 0:
					zero := int64(0)
					e.SourceConceptID, e.SourceValue = &zero, &dotted
					s.FromSourceValue++
				}
			}
			e.ID = int64(len(s.Condition) + 1)
			s.Condition = append(s.Condition, e)
			cond = append(cond, r)
		case "observation":
			e.ID = int64(len(s.Observation) + 1)
			s.Observation = append(s.Observation, e)
			obs = append(obs, r)
		case "measurement":
			e.ID = int64(len(s.Measurement) + 1)
			s.Measurement = append(s.Measurement, e)
			meas = append(meas, r)
		case "procedure_occurrence":
			e.ID = int64(len(s.Procedure) + 1)
			s.Procedure = append(s.Procedure, e)
			proc = append(proc, r)
		}
	}
	s.Rows = append(append(append(cond, obs...), meas...), proc...)
	return s
}

// dotICD10 writes an ICD-10-CM code as the OMOP vocabulary does: the dot
// after the third character.
func dotICD10(code string) string {
	if len(code) > 3 {
		return code[:3] + "." + code[3:]
	}
	return code
}

// dotICD9 writes an ICD-9-CM code with its dot: after the third character,
// the fourth for E codes.
func dotICD9(code string) string {
	at := 3
	if strings.HasPrefix(code, "E") {
		at = 4
	}
	if len(code) > at {
		return code[:at] + "." + code[at:]
	}
	return code
}

// LoadOMOP creates the OMOP CDM v5.4 tables that hold diagnoses (person,
// condition_occurrence, observation, measurement, procedure_occurrence,
// the columns hiervec reads and those around them) in schema cdm (created
// unless "public"), the concept table in schema vocab (the same one when
// equal; created likewise), and loads s.
func LoadOMOP(tb testing.TB, conn *pgx.Conn, cdm, vocab string, s *Sample) {
	tb.Helper()
	q := func(schema, table string) string { return pgx.Identifier{schema, table}.Sanitize() }
	for _, sc := range []string{cdm, vocab} {
		if sc != "public" {
			Exec(tb, conn, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{sc}.Sanitize())
		}
	}
	Exec(tb, conn,
		`CREATE TABLE `+q(vocab, "concept")+` (concept_id integer NOT NULL PRIMARY KEY, concept_name varchar(255) NOT NULL,
			domain_id varchar(20) NOT NULL, vocabulary_id varchar(20) NOT NULL, concept_class_id varchar(20) NOT NULL,
			standard_concept varchar(1), concept_code varchar(50) NOT NULL, valid_start_date date NOT NULL,
			valid_end_date date NOT NULL, invalid_reason varchar(1))`,
		`INSERT INTO `+q(vocab, "concept")+` VALUES (0, 'No matching concept', 'Metadata', 'None', 'Undefined', NULL, 'No matching concept', '1970-01-01', '2099-12-31', NULL)`,
		`CREATE TABLE `+q(cdm, "person")+` (person_id integer NOT NULL PRIMARY KEY, gender_concept_id integer NOT NULL,
			year_of_birth integer NOT NULL, race_concept_id integer NOT NULL, ethnicity_concept_id integer NOT NULL,
			person_source_value varchar(50))`,
		`CREATE TABLE `+q(cdm, "condition_occurrence")+` (condition_occurrence_id integer NOT NULL PRIMARY KEY,
			person_id integer NOT NULL, condition_concept_id integer NOT NULL, condition_start_date date NOT NULL,
			condition_start_datetime timestamp, condition_end_date date, condition_end_datetime timestamp,
			condition_type_concept_id integer NOT NULL, condition_status_concept_id integer, stop_reason varchar(20),
			provider_id integer, visit_occurrence_id integer, visit_detail_id integer,
			condition_source_value varchar(50), condition_source_concept_id integer, condition_status_source_value varchar(50))`,
		`CREATE TABLE `+q(cdm, "observation")+` (observation_id integer NOT NULL PRIMARY KEY, person_id integer NOT NULL,
			observation_concept_id integer NOT NULL, observation_date date NOT NULL, observation_datetime timestamp,
			observation_type_concept_id integer NOT NULL, value_as_number numeric, value_as_string varchar(60),
			value_as_concept_id integer, qualifier_concept_id integer, unit_concept_id integer, provider_id integer,
			visit_occurrence_id integer, visit_detail_id integer, observation_source_value varchar(50),
			observation_source_concept_id integer, unit_source_value varchar(50), qualifier_source_value varchar(50),
			value_source_value varchar(50), observation_event_id bigint, obs_event_field_concept_id integer)`,
		`CREATE TABLE `+q(cdm, "measurement")+` (measurement_id integer NOT NULL PRIMARY KEY, person_id integer NOT NULL,
			measurement_concept_id integer NOT NULL, measurement_date date NOT NULL, measurement_datetime timestamp,
			measurement_time varchar(10), measurement_type_concept_id integer NOT NULL, operator_concept_id integer,
			value_as_number numeric, value_as_concept_id integer, unit_concept_id integer, range_low numeric,
			range_high numeric, provider_id integer, visit_occurrence_id integer, visit_detail_id integer,
			measurement_source_value varchar(50), measurement_source_concept_id integer, unit_source_value varchar(50),
			unit_source_concept_id integer, value_source_value varchar(50), measurement_event_id bigint,
			meas_event_field_concept_id integer)`,
		`CREATE TABLE `+q(cdm, "procedure_occurrence")+` (procedure_occurrence_id integer NOT NULL PRIMARY KEY,
			person_id integer NOT NULL, procedure_concept_id integer NOT NULL, procedure_date date NOT NULL,
			procedure_datetime timestamp, procedure_end_date date, procedure_end_datetime timestamp,
			procedure_type_concept_id integer NOT NULL, modifier_concept_id integer, quantity integer,
			provider_id integer, visit_occurrence_id integer, visit_detail_id integer,
			procedure_source_value varchar(50), procedure_source_concept_id integer, modifier_source_value varchar(50))`,
	)
	ctx := context.Background()
	copyRows := func(schema, table string, cols []string, rows [][]any) {
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{schema, table}, cols, pgx.CopyFromRows(rows)); err != nil {
			tb.Fatalf("pgtest: load %s: %v", table, err)
		}
	}
	var concepts [][]any
	for _, c := range s.Concepts {
		concepts = append(concepts, []any{c.ID, "concept " + c.Code, c.Domain, c.Vocabulary, "Diagnosis", nil, c.Code,
			time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)})
	}
	copyRows(vocab, "concept", []string{"concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
		"standard_concept", "concept_code", "valid_start_date", "valid_end_date"}, concepts)
	persons := map[int64]bool{}
	var people [][]any
	for _, t := range [][]Event{s.Condition, s.Observation, s.Measurement, s.Procedure} {
		for _, e := range t {
			if !persons[e.Person] {
				persons[e.Person] = true
				people = append(people, []any{e.Person, 0, 1970, 0, 0})
			}
		}
	}
	copyRows(cdm, "person", []string{"person_id", "gender_concept_id", "year_of_birth", "race_concept_id", "ethnicity_concept_id"}, people)
	events := func(table, prefix, date, datetime string, es []Event) {
		var rows [][]any
		for _, e := range es {
			rows = append(rows, []any{e.ID, e.Person, 0, e.Time, e.Time, 32817, e.SourceValue, e.SourceConceptID})
		}
		copyRows(cdm, table, []string{table + "_id", "person_id", prefix + "_concept_id", date, datetime,
			prefix + "_type_concept_id", prefix + "_source_value", prefix + "_source_concept_id"}, rows)
	}
	events("condition_occurrence", "condition", "condition_start_date", "condition_start_datetime", s.Condition)
	events("observation", "observation", "observation_date", "observation_datetime", s.Observation)
	events("measurement", "measurement", "measurement_date", "measurement_datetime", s.Measurement)
	events("procedure_occurrence", "procedure", "procedure_date", "procedure_datetime", s.Procedure)
}
