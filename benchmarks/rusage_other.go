//go:build !linux

package benchmarks

import "os"

// peakWatcher reports no peak (0, unknown) where /proc and a KiB ru_maxrss
// are not available.
type peakWatcher struct{}

func watchPeak(pid int) *peakWatcher { return &peakWatcher{} }

func (w *peakWatcher) finish(ps *os.ProcessState) int64 { return 0 }
