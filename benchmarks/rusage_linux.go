package benchmarks

import (
	"os"
	"syscall"
)

// peakRSSKiB returns the process's peak resident set size: the rusage
// ru_maxrss wait4 reports, in KiB on Linux.
func peakRSSKiB(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
