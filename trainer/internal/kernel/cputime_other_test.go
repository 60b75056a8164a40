//go:build !linux

package kernel

// threadCPU reports false: thread CPU time is read on Linux only.
func threadCPU() (int64, bool) { return 0, false }
