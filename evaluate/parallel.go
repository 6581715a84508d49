package evaluate

import (
	"context"
	"math"
	"runtime"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// workers returns w, or GOMAXPROCS when w <= 0.
func workers(w int) int {
	if w <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return w
}

// forChunks calls fn(chunk, lo, hi) for consecutive ranges [lo, hi) of size
// chunk covering [0, n), from at most w goroutines that take the next chunk
// when they finish one. Chunk boundaries depend only on n and chunk, never on
// w, so a caller that stores per-chunk partial results and combines them in
// chunk order gets the same answer with any number of workers. It stops
// early, returning ctx.Err(), when ctx is cancelled.
func forChunks(ctx context.Context, n, chunk, w int, fn func(c, lo, hi int)) error {
	if n <= 0 {
		return ctx.Err()
	}
	nc := (n + chunk - 1) / chunk
	w = min(workers(w), nc)
	var next atomic.Int64
	g, ctx := errgroup.WithContext(ctx)
	for range w {
		g.Go(func() error {
			for {
				if err := ctx.Err(); err != nil {
					return err
				}
				c := int(next.Add(1) - 1)
				if c >= nc {
					return nil
				}
				lo := c * chunk
				fn(c, lo, min(lo+chunk, n))
			}
		})
	}
	return g.Wait()
}

func sqrtf64(x float64) float64 { return math.Sqrt(x) }
