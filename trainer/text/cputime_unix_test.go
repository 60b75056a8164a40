//go:build unix

package text

import (
	"syscall"
	"time"
)

// processCPU returns the user plus system CPU time of this process so far.
// Benchmarks report it besides wall time because the benchmark machine is
// shared: CPU time per operation is what other load inflates least.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
