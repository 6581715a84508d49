// Package atomicfile writes output files so that a crash, an error or an
// interrupt never leaves half a file behind: data goes to a temporary file in
// the destination's directory, which is synced and renamed over the
// destination only on Commit. Rename within one directory is atomic on POSIX
// file systems, so readers see either the old file or the whole new one.
//
// A process killed while writing cannot remove its temporary file, so the
// name says whose it is: ".NAME.hiervec-tmp-PID-RANDOM" beside NAME. Create
// removes the temporary files of NAME whose process is no longer running
// (the next run that writes there cleans up after the killed one) and never
// those of a live process. Probe proves that a path can be written before
// any long work starts.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// File is an output file being written. Write goes through a buffer; the
// first write error is kept (sticky) and returned again by Commit.
type File struct {
	path string
	tmp  *os.File
	w    *bufio.Writer
	err  error
	done bool
}

// Create starts writing path. The caller must call Commit to publish the
// file or Abort to discard it; Abort after Commit is a no-op, so
// "defer f.Abort()" is the usual pattern.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base)
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return nil, fmt.Errorf("atomicfile: create %s: %w", path, err)
	}
	return &File{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20)}, nil
}

// tempMark is the part of a temporary file's name that marks it as ours.
const tempMark = ".hiervec-tmp-"

// tempPrefix is the start of the name of this process's temporary files
// for base: "." + base + tempMark + pid + "-".
func tempPrefix(base string) string {
	return "." + base + tempMark + strconv.Itoa(os.Getpid()) + "-"
}

// removeStale removes dir's temporary files for base left by processes
// that no longer run. Errors are ignored: a file that cannot be removed is
// harmless, and writing goes on.
func removeStale(dir, base string) {
	names, err := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+tempMark+"*"))
	if err != nil {
		return
	}
	for _, n := range names {
		rest := strings.TrimPrefix(filepath.Base(n), "."+base+tempMark)
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		os.Remove(n)
	}
}

// globEscape escapes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Probe checks that path can be written: its directory exists and a
// temporary file can be created there (it is removed at once). Commands
// call it before long work, so that a bad -out fails in a second, not
// after an hour of training.
func Probe(path string) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	f.Abort()
	return nil
}

// Write implements io.Writer.
func (f *File) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.w.Write(p)
	if err != nil {
		f.err = fmt.Errorf("atomicfile: write %s: %w", f.path, err)
	}
	return n, f.err
}

// WriteString implements io.StringWriter.
func (f *File) WriteString(s string) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.w.WriteString(s)
	if err != nil {
		f.err = fmt.Errorf("atomicfile: write %s: %w", f.path, err)
	}
	return n, f.err
}

// Commit flushes, syncs and renames the temporary file to the destination.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: commit after commit or abort")
	}
	f.done = true
	err := f.err
	if err == nil {
		if e := f.w.Flush(); e != nil {
			err = fmt.Errorf("atomicfile: write %s: %w", f.path, e)
		}
	}
	if err == nil {
		// CreateTemp makes the file private (0600); an output file gets the
		// usual 0644, as os.Create would give it under a 022 umask.
		if e := f.tmp.Chmod(0o644); e != nil {
			err = fmt.Errorf("atomicfile: chmod %s: %w", f.path, e)
		}
	}
	if err == nil {
		if e := f.tmp.Sync(); e != nil {
			err = fmt.Errorf("atomicfile: sync %s: %w", f.path, e)
		}
	}
	if e := f.tmp.Close(); e != nil && err == nil {
		err = fmt.Errorf("atomicfile: close %s: %w", f.path, e)
	}
	if err == nil {
		if e := os.Rename(f.tmp.Name(), f.path); e != nil {
			err = fmt.Errorf("atomicfile: rename to %s: %w", f.path, e)
		}
	}
	if err != nil {
		os.Remove(f.tmp.Name())
	}
	return err
}

// Abort discards the temporary file. It is safe to call after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	f.Write(data)
	return f.Commit()
}
