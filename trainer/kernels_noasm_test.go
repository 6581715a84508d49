//go:build !amd64

package trainer

// setAVX512 is never called where there are no AVX-512 kernels.
func setAVX512(bool) { panic("trainer: no AVX-512 kernels on this architecture") }

// kernelPaths lists the kernel paths this CPU can run: only the portable
// one here.
func kernelPaths() []string { return []string{"generic"} }

// setKernelPath is a no-op: there is only the generic path.
func setKernelPath(string) (restore func()) { return func() {} }
