//go:build !unix

package trainer

import "time"

// processCPU is not available here; the benchmarks then report no CPU
// metrics.
func processCPU() time.Duration { return 0 }
