//go:build linux && cgo

package converter

/*
#include <malloc.h>

// ic_malloc_tune fixes glibc's mmap threshold (a no-op where the C library has no such setting).
static int ic_malloc_tune(int threshold) {
#ifdef M_MMAP_THRESHOLD
	return mallopt(M_MMAP_THRESHOLD, threshold);
#else
	return 0;
#endif
}
*/
import "C"

// mmapThreshold: C allocations at least this large (libwebp's and libavif's YUV planes and encoder
// buffers, libjpeg-turbo's coefficient buffers) get their own mapping, returned to the OS on free.
//
// Why: glibc raises its threshold each time a mapped block is freed (up to 32 MiB), after which a
// 24 MP photo's planes come from the malloc arenas of whichever threads ran the encoders and are not
// given back; over a batch the arenas fragment and the process keeps several images' worth of freed
// C memory. cwebp never sees this (one picture per process). Fixing the threshold also turns the
// dynamic adjustment off. Measured on the wallpaper corpus (WebP q80 m4, 2 workers): peak RSS
// 381–472 MiB → 206–214 MiB for about 1 s more system time in 33 s of CPU.
const mmapThreshold = 4 << 20

func tuneMalloc() { C.ic_malloc_tune(C.int(mmapThreshold)) }
