//go:build !linux

package benchmarks

import "os"

// peakRSSKiB returns 0 (unknown) where ru_maxrss is not in KiB or absent.
func peakRSSKiB(ps *os.ProcessState) int64 { return 0 }
