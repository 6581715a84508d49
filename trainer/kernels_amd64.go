package trainer

import "golang.org/x/sys/cpu"

// hasAVX2FMA reports whether the AVX2+FMA kernels in kernels_amd64.s can
// run on this CPU.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dotAVX2 is dotRef with 2×8-lane fused multiply-adds (kernels_amd64.s).
//
//go:noescape
func dotAVX2(x, y []float32) float32

// axpyAVX2 is axpyRef with 2×8-lane fused multiply-adds (kernels_amd64.s).
//
//go:noescape
func axpyAVX2(a float32, x, y []float32)
