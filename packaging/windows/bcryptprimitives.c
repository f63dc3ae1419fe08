/* A stand-in for Windows' bcryptprimitives.dll, for running Vernetzt's Windows builds under
 * Wine 8 only (scripts/test-windows.sh copies it into a throwaway Wine prefix; it is never
 * installed on a real Windows, which has the real DLL).
 *
 * Rust's standard library (since 1.78) takes its random numbers from ProcessPrng in
 * bcryptprimitives.dll; Wine 8.0 has no such DLL, so every Rust program stops at start with
 * STATUS_DLL_NOT_FOUND (c0000135). ProcessPrng here asks the system's preferred generator
 * through BCryptGenRandom, which Wine does implement.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -lbcrypt
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* BCryptGenRandom takes a ULONG length; ask in pieces for more than that. */
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
