//go:build !linux || !cgo

package converter

// tuneMalloc: only glibc on Linux needs its mmap threshold fixed (see malloc_linux.go).
func tuneMalloc() {}
