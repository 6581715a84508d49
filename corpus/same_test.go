package corpus

import (
	"maps"
	"reflect"
	"slices"
	"testing"
)

// sameRead fails the test unless two reads made the same corpus (tokens,
// offsets, years, patient indices, vocabulary) and the same report,
// patient identifiers included.
func sameRead(t *testing.T, what string, want *Corpus, wantRep *ReadReport, got *Corpus, gotRep *ReadReport) {
	t.Helper()
	for _, pair := range []struct {
		name string
		a, b any
	}{
		{"words", got.Vocab.Words, want.Vocab.Words}, {"kinds", got.Vocab.Kinds, want.Vocab.Kinds},
		{"counts", got.Vocab.Counts, want.Vocab.Counts}, {"tokens", got.Tokens.Int32s(), want.Tokens.Int32s()},
		{"seqs", got.Seqs, want.Seqs}, {"visits", got.Visits, want.Visits}, {"seqVisits", got.SeqVisits, want.SeqVisits},
		{"years", got.Years, want.Years}, {"patients", got.Patients, want.Patients},
	} {
		if !reflect.DeepEqual(pair.a, pair.b) {
			t.Errorf("%s: %s differ from the CSV read's", what, pair.name)
		}
	}
	g, w := *gotRep, *wantRep
	if !slices.Equal(g.PatientIDs, w.PatientIDs) {
		t.Errorf("%s: patient ids differ from the CSV read's", what)
	}
	if !maps.Equal(g.SkippedByReason, w.SkippedByReason) {
		t.Errorf("%s: skipped by reason %v, CSV %v", what, g.SkippedByReason, w.SkippedByReason)
	}
	g.PatientIDs, w.PatientIDs, g.SkippedByReason, w.SkippedByReason, g.Sources, w.Sources = nil, nil, nil, nil, nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: report\n%+v\nCSV's\n%+v", what, g, w)
	}
}
