//go:build !linux

package kernel

// processCPU reports false: process CPU time is read on Linux only.
func processCPU() (int64, bool) { return 0, false }
