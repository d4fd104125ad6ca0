package pgcluster

import "syscall"

// setParentDeathSignal asks the kernel to send sig to the child when the
// thread that started it dies.
func setParentDeathSignal(attr *syscall.SysProcAttr, sig syscall.Signal) {
	attr.Pdeathsig = sig
}
