//go:build !linux

package trainer

// threadCPU cannot tell the thread's CPU time on this system.
func threadCPU() (sec float64, ok bool) { return 0, false }
