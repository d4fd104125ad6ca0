//go:build !linux

package pgcluster

import "syscall"

// setParentDeathSignal does nothing outside Linux: an attached server then
// outlives a crashed parent, and NewTemp's sweep stops it on the next run.
func setParentDeathSignal(*syscall.SysProcAttr, syscall.Signal) {}
