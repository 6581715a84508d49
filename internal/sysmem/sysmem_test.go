package sysmem

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestMemAvailable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "meminfo")
	os.WriteFile(p, []byte("MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n"), 0o644)
	if v, ok := memAvailable(p); !ok || v != 2048*1024 {
		t.Errorf("memAvailable = %d, %v", v, ok)
	}
	os.WriteFile(p, []byte("MemTotal: 1 kB\n"), 0o644)
	if _, ok := memAvailable(p); ok {
		t.Error("memAvailable without the line said ok")
	}
}

func TestCgroupRoom(t *testing.T) {
	root := t.TempDir()
	self := filepath.Join(root, "self")
	os.WriteFile(self, []byte("0::/job\n"), 0o644)
	os.MkdirAll(filepath.Join(root, "job"), 0o755)
	os.WriteFile(filepath.Join(root, "job", "memory.max"), []byte("1000\n"), 0o644)
	os.WriteFile(filepath.Join(root, "job", "memory.current"), []byte("300\n"), 0o644)
	if v, ok := cgroupRoom(self, root); !ok || v != 700 {
		t.Errorf("cgroupRoom = %d, %v, want 700", v, ok)
	}
	os.WriteFile(filepath.Join(root, "job", "memory.max"), []byte("max\n"), 0o644)
	if _, ok := cgroupRoom(self, root); ok {
		t.Error("an unlimited cgroup gave a room")
	}
}

func TestAvailableOnThisMachine(t *testing.T) {
	v, ok := Available()
	if runtime.GOOS != "linux" {
		t.Skip("not Linux")
	}
	if !ok || v == 0 {
		t.Errorf("Available() = %d, %v on Linux", v, ok)
	}
}
