// Package atomicfile writes output files so that a crash, an error or an
// interrupt never leaves half a file behind: data goes to a temporary file in
// the destination's directory, which is synced and renamed over the
// destination only on Commit. Rename within one directory is atomic on POSIX
// file systems, so readers see either the old file or the whole new one.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("atomicfile: create %s: %w", path, err)
	}
	return &File{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20)}, nil
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
