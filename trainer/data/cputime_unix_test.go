//go:build unix

package data

import "syscall"

// processCPU returns the user+system CPU seconds this process has used, so
// benchmarks can report CPU time next to wall time on a shared machine.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
