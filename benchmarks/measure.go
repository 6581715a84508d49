package benchmarks

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// measurement is what one process cost.
type measurement struct {
	Wall       time.Duration // from start to exit, the whole process
	CPU        time.Duration // user + system time of the process
	PeakRSSKiB int64         // peak resident set size (VmHWM); 0 when the OS does not say
	Stdout     string
}

// maxOutput bounds how much of a process's stdout and stderr is kept.
const maxOutput = 64 << 10

// measure runs argv, with env added to this process's environment, to
// completion and returns its wall time, CPU time and peak resident memory. A
// failure returns the tail of the process's stderr.
func measure(ctx context.Context, argv, env []string) (*measurement, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	var stdout, stderr tailBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("benchmarks: %s: %w", argv[0], err)
	}
	// Start returns once the child has exec'd, so from here its
	// /proc/<pid>/status describes its own address space.
	peak := watchPeak(cmd.Process.Pid)
	err := cmd.Wait()
	wall := time.Since(start)
	peakKiB := peak.finish(cmd.ProcessState)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("benchmarks: %s: %w", argv[0], ctx.Err())
		}
		return nil, fmt.Errorf("benchmarks: %s %s: %w: %s", argv[0], argv[1], err, strings.TrimSpace(stderr.String()))
	}
	m := &measurement{Wall: wall, Stdout: stdout.String()}
	if ps := cmd.ProcessState; ps != nil {
		m.CPU = ps.UserTime() + ps.SystemTime()
		m.PeakRSSKiB = peakKiB
	}
	return m, nil
}

// tailBuffer keeps the last maxOutput bytes written to it.
type tailBuffer struct{ b bytes.Buffer }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b.Write(p)
	if over := t.b.Len() - maxOutput; over > 0 {
		t.b.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return t.b.String() }
