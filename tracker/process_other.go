//go:build !unix

package tracker

// processGone reports whether no process has the ID pid: unknown here, so
// false (the trial waits for its lease to expire).
func processGone(pid int) bool { return false }
