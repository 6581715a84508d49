//go:build unix

package trainer

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) this process has used,
// all threads together. On a machine shared with other jobs it measures
// the work done, where wall time also measures the waiting.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
