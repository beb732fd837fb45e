// bcryptprimitives.dll for Wine 8 (Debian 12), test machines only. Go 1.22+ programs call
// ProcessPrng from bcryptprimitives.dll at start (every Windows 10/11 has it), and Wine only gained
// that DLL in version 9, so under Debian 12's Wine a Go program stops with "bcryptprimitives.dll not
// found". tests/dist/windows.sh builds this into the throwaway Wine prefix's system32; it is never
// shipped. RtlGenRandom (advapi32's SystemFunction036) is what Wine's own ProcessPrng calls too.
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(data, n)) return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
