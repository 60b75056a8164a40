package kernel

import (
	"syscall"
	"unsafe"
)

// processCPU returns the CPU time consumed by the process, all threads
// together, in nanoseconds (CLOCK_PROCESS_CPUTIME_ID), and true.
func processCPU() (int64, bool) {
	const clockProcessCPUTimeID = 2
	var ts syscall.Timespec
	_, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano(), errno == 0
}
