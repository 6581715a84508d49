package benchmarks

import (
	"context"
	"os/exec"
	"runtime"
	"testing"
)

// TestMeasurePeakIsTheChilds checks that a child's peak RSS is its own, not
// the harness's: this process first grows to 256 MiB, which ru_maxrss alone
// would pass on to every child it starts.
func TestMeasurePeakIsTheChilds(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is measured on Linux only")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	big := make([]byte, 256<<20)
	for i := 0; i < len(big); i += 4096 {
		big[i] = 1
	}
	m, err := measure(context.Background(), []string{sleep, "0.2"}, nil)
	runtime.KeepAlive(big)
	if err != nil {
		t.Fatal(err)
	}
	if m.PeakRSSKiB <= 0 || m.PeakRSSKiB > 64<<10 {
		t.Errorf("sleep's peak RSS = %d KiB, want its own few MiB (the harness holds 256 MiB)", m.PeakRSSKiB)
	}
	if m.Wall.Seconds() < 0.2 {
		t.Errorf("wall %v, want at least the 0.2 s slept", m.Wall)
	}
}
