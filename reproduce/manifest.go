package reproduce

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hiervec/hiervec/internal/atomicfile"
)

// manifestName is the file in the output folder that records the settings
// of a reproduction and the checksum of every finished run, so that a
// second invocation with the same settings resumes exactly what is proven
// finished, and one with other settings is refused instead of mixing runs.
const manifestName = "run.json"

// manifestVersion changes when the meaning of the settings or the layout of
// the output folder changes. Version 1 recorded no checksums: its runs are
// trained again.
const manifestVersion = 2

// manifest is what run.json holds: the settings that decide the vectors
// (not those that only decide speed or display, like Workers) and the
// finished runs.
type manifest struct {
	Version  int                 `json:"version"`
	Settings map[string]any      `json:"settings"`
	Runs     map[string]runEntry `json:"runs,omitempty"`
}

// runEntry records one finished run: its file, relative to the output
// folder, and the file's SHA-256.
type runEntry struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// ErrOtherRun is returned when the output folder holds finished runs made
// with other settings.
var ErrOtherRun = errors.New("reproduce: the output folder holds a run with other settings")

// runManifest is the manifest of one output folder while a reproduction
// runs.
type runManifest struct {
	dir string
	m   manifest
}

// openManifest reads dir/run.json, if any, against settings. The same
// settings resume the folder (resumed true); other settings are refused
// with ErrOtherRun when runs are recorded finished, and replace the
// recorded ones when none is (a run that failed before finishing anything
// protects nothing). notes say what was found, for the user. Nothing is
// written: save writes.
func openManifest(dir string, settings map[string]any) (rm *runManifest, resumed bool, notes []string, err error) {
	rm = &runManifest{dir: dir, m: manifest{Version: manifestVersion, Settings: settings, Runs: map[string]runEntry{}}}
	path := filepath.Join(dir, manifestName)
	have, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return rm, false, nil, nil
	case err != nil:
		return nil, false, nil, fmt.Errorf("reproduce: %w", err)
	}
	var got manifest
	if err := json.Unmarshal(have, &got); err != nil || got.Version == 0 {
		return nil, false, nil, fmt.Errorf("reproduce: %s is not a run manifest; use another -out folder", path)
	}
	same := sameSettings(got.Settings, settings)
	switch {
	case got.Version == 1:
		notes = append(notes, fmt.Sprintf("%s was written by an earlier hiervec without checksums: every run is trained again", path))
		return rm, false, notes, nil
	case got.Version != manifestVersion:
		return nil, false, nil, fmt.Errorf("reproduce: %s has manifest version %d, this hiervec writes %d; use another -out folder", path, got.Version, manifestVersion)
	case same:
		if got.Runs != nil {
			rm.m.Runs = got.Runs
		}
		return rm, true, nil, nil
	case len(got.Runs) == 0:
		notes = append(notes, fmt.Sprintf("%s recorded other settings but no finished run: its settings are replaced", path))
		return rm, false, notes, nil
	}
	gotJSON, _ := json.Marshal(got.Settings)
	wantJSON, _ := json.Marshal(settings)
	return nil, false, nil, fmt.Errorf("%w: %s records %s with %d finished runs, this run asks for %s; use another -out folder or remove it",
		ErrOtherRun, path, gotJSON, len(got.Runs), wantJSON)
}

// sameSettings compares two settings through the same JSON encoding, so
// numbers decoded as float64 compare equal to the ints they were written
// from.
func sameSettings(a, b map[string]any) bool {
	aj, err1 := json.Marshal(a)
	bj, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var av, bv any
	json.Unmarshal(aj, &av)
	json.Unmarshal(bj, &bv)
	ac, _ := json.Marshal(av)
	bc, _ := json.Marshal(bv)
	return string(ac) == string(bc)
}

// save writes run.json.
func (rm *runManifest) save() error {
	b, err := json.MarshalIndent(rm.m, "", "  ")
	if err != nil {
		return fmt.Errorf("reproduce: %w", err)
	}
	return atomicfile.WriteFile(filepath.Join(rm.dir, manifestName), append(b, '\n'))
}

// proven reports whether run id is recorded finished and its file still
// has the recorded checksum. When it is not, why says so (empty when the
// run was simply never finished).
func (rm *runManifest) proven(id string) (ok bool, why string) {
	e, ok := rm.m.Runs[id]
	if !ok {
		return false, ""
	}
	sum, err := fileSHA256(filepath.Join(rm.dir, e.File))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, fmt.Sprintf("%s is recorded finished but missing: training it again", e.File)
	case err != nil:
		return false, fmt.Sprintf("%s is unreadable (%v): training it again", e.File, err)
	case sum != e.SHA256:
		return false, fmt.Sprintf("%s does not match its recorded checksum (changed since it was written): training it again", e.File)
	}
	return true, ""
}

// record marks run id finished with its file (relative to the folder) and
// saves the manifest.
func (rm *runManifest) record(id, rel string) error {
	sum, err := fileSHA256(filepath.Join(rm.dir, rel))
	if err != nil {
		return fmt.Errorf("reproduce: %w", err)
	}
	rm.m.Runs[id] = runEntry{File: filepath.ToSlash(rel), SHA256: sum}
	return rm.save()
}

// fileSHA256 returns the hex SHA-256 of a file's bytes.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
