/* Wine 8 (Debian 12's) has no bcryptprimitives.dll, which Rust's standard
 * library imports on Windows for ProcessPrng (Rust >= 1.78). This is the
 * whole of what it needs, on Wine's own RtlGenRandom (SystemFunction036,
 * the OS random generator). Only for running the tests under Wine; never
 * shipped: Windows 10 and later have the real DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
