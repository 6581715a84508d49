package corpus

import (
	"context"
	"unsafe"
)

// rowSink is the one path by which every extract reader — CSV and TSV
// (ReadExtract), Parquet (ReadParquet), PostgreSQL (ReadDatabase) — turns
// rows into a Corpus. A reader decodes its fields (a patient identifier, a
// yyyymmdd date, a raw code value); the sink counts the row, checks its
// code against the code system and the code list, runs the code gate,
// counts what it skips, and hands accepted rows to an extractBuilder. So
// every reader validates, counts and groups alike, and a patient
// identifier goes no further than the builder's map (and
// ReadReport.PatientIDs).
type rowSink struct {
	opt    ReadOptions
	sys    *CodeSystem
	rep    *ReadReport
	b      *extractBuilder
	gate   codeGate
	absent []bool // per code id, with a code list: not in it
	code   []byte // normalised code of the current row, reused

	// codeColumn returns the *CodeColumnError for a read the gate stops,
	// with the reader's place (file, line, column, header) filled in; the
	// sink fills in the system, the counts and why.
	codeColumn func() *CodeColumnError
}

// newRowSink returns a sink for rows read under opt; codeColumn places a
// *CodeColumnError (see rowSink).
func newRowSink(opt ReadOptions, codeColumn func() *CodeColumnError) *rowSink {
	sys := opt.codeSystem()
	return &rowSink{
		opt:        opt,
		sys:        sys,
		rep:        &ReadReport{SkippedByReason: map[string]int64{}, CodeSystem: sys.String()},
		b:          newExtractBuilder(),
		codeColumn: codeColumn,
	}
}

// row counts one more row read. Every row a reader takes from its input
// is counted once, whatever becomes of it, so that Rows == Accepted +
// Skipped.
func (s *rowSink) row() { s.rep.Rows++ }

// stopped returns ctx's error every ctxRows rows (before the row is
// counted), nil otherwise or while ctx is live.
func (s *rowSink) stopped(ctx context.Context) error {
	if s.rep.Rows&(ctxRows-1) == 0 {
		return ctx.Err()
	}
	return nil
}

// skip skips the current row under reason, whatever SkipBad says: it is a
// fact of the data (a code of another ICD version), not a broken row.
func (s *rowSink) skip(reason string) { s.rep.skip(reason) }

// bad handles a broken row (a missing field, a bad date, an empty patient
// id or code): with SkipBad it is skipped and counted under reason and bad
// returns nil; otherwise bad returns err(), the reader's *ParseError.
func (s *rowSink) bad(reason string, err func() error) error {
	if s.opt.SkipBad {
		s.rep.skip(reason)
		return nil
	}
	return err()
}

// codeVerdict is what the sink made of a row's code.
type codeVerdict int

const (
	codeOK       codeVerdict = iota // a code of the system: the row may be accepted with its id
	codeEmpty                       // white space and dots only: the reader decides (bad or skipped)
	codeRejected                    // not a code of the system: skipped and counted under ReasonCodeSyntax
)

// codeOf checks a row's raw code value: normalised, checked against the
// code system (a code seen before passed then), given an id, checked
// against the code list. It returns the id and the verdict, or the
// *CodeColumnError of a read the gate stops.
func (s *rowSink) codeOf(raw string) (int32, codeVerdict, error) {
	code, at, ok := appendCode(s.code[:0], raw)
	s.code = code
	if !ok && emptyCode(raw) {
		return 0, codeEmpty, nil
	}
	// A code seen before passed the syntax then; only its dot, which
	// normalisation removed, can differ.
	id, known := s.b.codes[string(code)]
	ok = ok && (at < 0 || s.sys.dotAt(code, at)) && (known || s.sys.syntax(code))
	if stop := s.gate.syntax(!ok); !ok || stop {
		if !ok {
			s.rep.skip(ReasonCodeSyntax)
		}
		if stop {
			return 0, codeRejected, s.stop(true, false)
		}
		return 0, codeRejected, nil
	}
	if !known {
		id = s.b.addCode(code)
		if s.opt.CodeList != nil {
			out := !s.opt.CodeList.Has(string(code))
			s.absent = append(s.absent, out)
			if out {
				s.rep.NotInCodeListCodes++
			}
		}
	}
	if s.opt.CodeList != nil && s.gate.list(s.absent[id]) {
		return 0, codeRejected, s.stop(true, true)
	}
	return id, codeOK, nil
}

// accept adds an accepted row: patient pid (which may alias a reused
// buffer: the builder copies it when new), date as yyyymmdd, code id from
// codeOf.
func (s *rowSink) accept(pid string, date int32, id int32) {
	s.rep.Accepted++
	s.b.add(pid, date, id)
}

// stop returns the *CodeColumnError of a read the gate stops.
func (s *rowSink) stop(early, notInList bool) error {
	e := s.codeColumn()
	e.System, e.Early, e.NotInList = s.sys.Name(), early, notInList
	e.Checked, e.Failed = s.gate.checked, s.gate.failed
	if notInList {
		e.Checked, e.Failed = s.gate.listChecked, s.gate.absent
	}
	return e
}

// end closes the input: the gate's end-of-input checks, then the rows
// grouped into a Corpus, Dedupe and MinCount applied, the report's totals
// filled in and its PatientIDs set.
func (s *rowSink) end() (*Corpus, *ReadReport, error) {
	if s.gate.syntaxFails() {
		return nil, nil, s.stop(false, false)
	}
	if s.gate.listFails() {
		return nil, nil, s.stop(false, true)
	}
	s.rep.NotInCodeList = s.gate.absent
	c := s.b.build()
	s.rep.PatientIDs = s.b.patientIDs
	finish(c, s.opt, s.rep)
	return c, s.rep, nil
}

// snapshot returns the counts so far, for since.
func (s *rowSink) snapshot() SourceReport {
	r := SourceReport{Rows: s.rep.Rows, Accepted: s.rep.Accepted, SkippedByReason: make(map[string]int64, len(s.rep.SkippedByReason))}
	for k, n := range s.rep.SkippedByReason {
		r.SkippedByReason[k] = n
	}
	return r
}

// since returns the rows counted since snapshot returned before.
func (s *rowSink) since(before SourceReport) SourceReport {
	r := SourceReport{Rows: s.rep.Rows - before.Rows, Accepted: s.rep.Accepted - before.Accepted, SkippedByReason: map[string]int64{}}
	for k, n := range s.rep.SkippedByReason {
		if d := n - before.SkippedByReason[k]; d > 0 {
			r.SkippedByReason[k] = d
			r.Skipped += d
		}
	}
	return r
}

// bytesView returns b as a string without copying, for a lookup or a check
// that keeps nothing: the sink and the builder copy what they keep, so a
// view of a reader's reused buffer never outlives the row.
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
