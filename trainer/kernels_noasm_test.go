//go:build !amd64

package trainer

// setAVX512 is never called where there are no AVX-512 kernels.
func setAVX512(bool) { panic("trainer: no AVX-512 kernels on this architecture") }
