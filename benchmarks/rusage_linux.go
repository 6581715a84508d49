package benchmarks

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// peakPollInterval is how often a running child's VmHWM is read.
const peakPollInterval = 10 * time.Millisecond

// peakWatcher follows a child's peak resident set through the VmHWM line of
// /proc/<pid>/status.
//
// The rusage ru_maxrss that wait4 reports cannot be used on its own: Go
// starts children with vfork semantics (clone with CLONE_VM), and at exec
// Linux folds the high-water RSS of the mm being left, the parent's, into
// the child's maxrss (exec_mmap's setmax_mm_hiwater_rss). A child of a
// harness that has read a 600,000-patient extract therefore reports the
// harness's 600 MiB whatever it used itself. VmHWM belongs to the child's
// own address space, created at exec, so it is exact; polling misses at most
// the growth of the last interval before exit, and training processes hold
// their peak (the model) to the end.
type peakWatcher struct {
	stop chan struct{}
	done sync.WaitGroup
	peak int64 // KiB
}

func watchPeak(pid int) *peakWatcher {
	w := &peakWatcher{stop: make(chan struct{})}
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		t := time.NewTicker(peakPollInterval)
		defer t.Stop()
		for {
			if v := readVmHWM(path); v > w.peak {
				w.peak = v
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// finish stops polling and returns the peak seen in KiB, falling back to
// ru_maxrss (an upper bound, see peakWatcher) when no poll saw the process.
func (w *peakWatcher) finish(ps *os.ProcessState) int64 {
	close(w.stop)
	w.done.Wait()
	if w.peak > 0 {
		return w.peak
	}
	if ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			return ru.Maxrss // KiB on Linux
		}
	}
	return 0
}

// readVmHWM returns the VmHWM of a /proc/<pid>/status file in KiB, or 0.
func readVmHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Bytes()
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := bytes.Fields(rest) // "123456 kB"
			if len(f) >= 1 {
				v, _ := strconv.ParseInt(string(f[0]), 10, 64)
				return v
			}
		}
	}
	return 0
}
