package reproduce

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hiervec/hiervec/internal/atomicfile"
)

// manifestName is the file in the output folder that records the settings
// of a reproduction, so that a second invocation with the same settings
// resumes it and one with other settings is refused instead of mixing runs.
const manifestName = "run.json"

// manifestVersion changes when the meaning of the settings or the layout of
// the output folder changes; an older folder is then refused.
const manifestVersion = 1

// manifest is what run.json holds: the settings that decide the vectors
// (not those that only decide speed or display, like Workers).
type manifest struct {
	Version  int            `json:"version"`
	Settings map[string]any `json:"settings"`
}

// ErrOtherRun is returned when the output folder holds a reproduction made
// with other settings.
var ErrOtherRun = errors.New("reproduce: the output folder holds a run with other settings")

// checkManifest writes dir/run.json for a new run, or checks that an
// existing one records the same settings, returning whether it existed.
func checkManifest(dir string, settings map[string]any) (resumed bool, err error) {
	path := filepath.Join(dir, manifestName)
	want := manifest{Version: manifestVersion, Settings: settings}
	wantJSON, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		return false, fmt.Errorf("reproduce: %w", err)
	}
	have, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, atomicfile.WriteFile(path, append(wantJSON, '\n'))
	case err != nil:
		return false, fmt.Errorf("reproduce: %w", err)
	}
	var got manifest
	if err := json.Unmarshal(have, &got); err != nil {
		return false, fmt.Errorf("reproduce: %s is not a run manifest (%v); use another -out folder", path, err)
	}
	// Compare through the same JSON encoding, so numbers decoded as float64
	// compare equal to the ints they were written from.
	gotJSON, _ := json.MarshalIndent(got, "", "  ")
	if string(gotJSON) != string(wantJSON) {
		return false, fmt.Errorf("%w: %s records %s, this run asks for %s; use another -out folder or remove it",
			ErrOtherRun, path, compact(gotJSON), compact(wantJSON))
	}
	return true, nil
}

func compact(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
