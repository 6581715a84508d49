// Package sysmem tells how much memory this process may still use: the
// smaller of the machine's available memory (MemAvailable in /proc/meminfo,
// the kernel's estimate of what can be allocated without swapping) and the
// room left under the process's cgroup v2 limit (memory.max minus
// memory.current), where there is one. Commands check a run's memory
// estimate against it before allocating, so that an impossible setting
// fails with a message instead of the runtime's out-of-memory trace.
package sysmem

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// Available returns the bytes this process may still allocate, and false
// when the system does not say (not Linux, or /proc unreadable).
func Available() (uint64, bool) {
	avail, ok := memAvailable("/proc/meminfo")
	if !ok {
		return 0, false
	}
	if room, ok := cgroupRoom("/proc/self/cgroup", "/sys/fs/cgroup"); ok && room < avail {
		avail = room
	}
	return avail, true
}

// memAvailable reads MemAvailable (in kB) from a meminfo file.
func memAvailable(path string) (uint64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, "MemAvailable:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, false
		}
		kb, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return kb * 1024, true
	}
	return 0, false
}

// cgroupRoom returns memory.max - memory.current of this process's cgroup
// v2, false when it has no limit ("max") or no cgroup v2.
func cgroupRoom(selfCgroup, root string) (uint64, bool) {
	data, err := os.ReadFile(selfCgroup)
	if err != nil {
		return 0, false
	}
	var dir string
	for _, line := range bytes.Split(data, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("0::")); ok {
			dir = root + string(rest)
		}
	}
	if dir == "" {
		return 0, false
	}
	limit, ok := readUint(dir + "/memory.max")
	if !ok {
		return 0, false
	}
	used, _ := readUint(dir + "/memory.current")
	if used >= limit {
		return 0, true
	}
	return limit - used, true
}

func readUint(path string) (uint64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	return v, err == nil
}
