package trainer

// rng is xorshift64* (Vigna 2016): three shifts and a multiply per 64 bits,
// inlined in the hot loop, state in one word owned by one worker. It is not
// for cryptography; its quality is far beyond what SGD sampling needs.
type rng struct{ s uint64 }

// newRNG seeds a generator for (seed, stream) through splitmix64, so every
// worker (stream = worker id) and the initialiser get independent,
// reproducible sequences from one Seed.
func newRNG(seed, stream uint64) rng {
	s := splitmix64(seed ^ splitmix64(stream+0x9e3779b97f4a7c15))
	if s == 0 {
		s = 1
	}
	return rng{s}
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// next returns 64 random bits.
func (r *rng) next() uint64 {
	x := r.s
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	r.s = x
	return x * 0x2545f4914f6cdd1d
}

// intn returns a uniform number in [0, n) (Lemire's multiply-shift, bias
// below 2^-32·n).
func (r *rng) intn(n uint32) uint32 {
	return uint32((r.next() >> 32) * uint64(n) >> 32)
}

// float returns a uniform number in [0, 1).
func (r *rng) float() float64 {
	return float64(r.next()>>11) / (1 << 53)
}
