//go:build !amd64 || purego

package trainer

// kernelPath names the kernels this build runs: the generic Go.
func kernelPath() string { return "generic" }
