package evaluate

// The float32 kernels every metric of this package is built from: an inner
// product and a squared Euclidean distance, each with its plain reference
// loop (kept as the specification and for tests) and an 8-way unrolled
// variant that the metrics call. Re-slicing to exactly n elements lets the
// compiler drop the bounds checks; eight partial sums break the add
// dependency chain. Unrolling reassociates the float32 sum, so the two may
// differ in the last bits.

// dotRef returns the inner product of x and y:
//
//	var sum float32
//	for i, v := range x {
//		sum += v * y[i]
//	}
//	return sum
func dotRef(x, y []float32) float32 {
	var sum float32
	for i, v := range x {
		sum += v * y[i]
	}
	return sum
}

// dot returns the inner product of x and y as dotRef does, accumulated in
// eight interleaved partial sums. y must be at least as long as x.
func dot(x, y []float32) float32 {
	n := len(x)
	y = y[:n]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= n; i += 8 {
		xx := x[i : i+8 : i+8]
		yy := y[i : i+8 : i+8]
		s0 += xx[0] * yy[0]
		s1 += xx[1] * yy[1]
		s2 += xx[2] * yy[2]
		s3 += xx[3] * yy[3]
		s4 += xx[4] * yy[4]
		s5 += xx[5] * yy[5]
		s6 += xx[6] * yy[6]
		s7 += xx[7] * yy[7]
	}
	for ; i < n; i++ {
		s0 += x[i] * y[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// sqDistRef returns the squared Euclidean distance of x and y:
//
//	var sum float32
//	for i, v := range x {
//		d := v - y[i]
//		sum += d * d
//	}
//	return sum
func sqDistRef(x, y []float32) float32 {
	var sum float32
	for i, v := range x {
		d := v - y[i]
		sum += d * d
	}
	return sum
}

// sqDist returns the squared Euclidean distance of x and y as sqDistRef
// does, accumulated in eight interleaved partial sums. y must be at least as
// long as x.
func sqDist(x, y []float32) float32 {
	n := len(x)
	y = y[:n]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= n; i += 8 {
		xx := x[i : i+8 : i+8]
		yy := y[i : i+8 : i+8]
		d0 := xx[0] - yy[0]
		d1 := xx[1] - yy[1]
		d2 := xx[2] - yy[2]
		d3 := xx[3] - yy[3]
		d4 := xx[4] - yy[4]
		d5 := xx[5] - yy[5]
		d6 := xx[6] - yy[6]
		d7 := xx[7] - yy[7]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
		s4 += d4 * d4
		s5 += d5 * d5
		s6 += d6 * d6
		s7 += d7 * d7
	}
	for ; i < n; i++ {
		d := x[i] - y[i]
		s0 += d * d
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// sqNorms returns the squared L2 norm of each of the n rows of x
// (accumulated in float64, stored as float32).
func sqNorms(x []float32, n, dim int) []float32 {
	out := make([]float32, n)
	for i := range n {
		var s float64
		for _, v := range x[i*dim : (i+1)*dim] {
			s += float64(v) * float64(v)
		}
		out[i] = float32(s)
	}
	return out
}

// normalizeRows returns a copy of the n rows of x scaled to unit L2 norm;
// rows of norm zero stay zero.
func normalizeRows(x []float32, n, dim int) []float32 {
	out := make([]float32, n*dim)
	for i := range n {
		row := x[i*dim : (i+1)*dim]
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		if s == 0 {
			continue
		}
		inv := 1 / sqrtf64(s)
		dst := out[i*dim : (i+1)*dim]
		for j, v := range row {
			dst[j] = float32(float64(v) * inv)
		}
	}
	return out
}

// dot4 returns the inner products of x with each of c0..c3 (each at least
// len(x) long), as four dot calls would, reading x once:
//
//	for i, v := range x {
//		d0 += v * c0[i]; d1 += v * c1[i]; d2 += v * c2[i]; d3 += v * c3[i]
//	}
//
// Each sum has two interleaved partial sums.
func dot4(x, c0, c1, c2, c3 []float32) (d0, d1, d2, d3 float32) {
	n := len(x)
	c0, c1, c2, c3 = c0[:n], c1[:n], c2[:n], c3[:n]
	var a0, a1, a2, a3, b0, b1, b2, b3 float32
	i := 0
	for ; i+2 <= n; i += 2 {
		v, w := x[i], x[i+1]
		a0 += v * c0[i]
		a1 += v * c1[i]
		a2 += v * c2[i]
		a3 += v * c3[i]
		b0 += w * c0[i+1]
		b1 += w * c1[i+1]
		b2 += w * c2[i+1]
		b3 += w * c3[i+1]
	}
	if i < n {
		v := x[i]
		a0 += v * c0[i]
		a1 += v * c1[i]
		a2 += v * c2[i]
		a3 += v * c3[i]
	}
	return a0 + b0, a1 + b1, a2 + b2, a3 + b3
}
