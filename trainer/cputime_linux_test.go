package trainer

import "golang.org/x/sys/unix"

// threadCPU returns the CPU seconds the calling OS thread has used, or
// ok false where it cannot tell. Benchmarks lock their goroutine to its
// thread so that this measures their own work on a shared machine.
func threadCPU() (sec float64, ok bool) {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_THREAD, &ru) != nil {
		return 0, false
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9, true
}
