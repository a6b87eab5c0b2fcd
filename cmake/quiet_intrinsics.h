/* Included before every C++ source by GCC (CMakeLists.txt). GCC 12 warns "'__Y' is used
   uninitialized" inside its own AVX-512 intrinsics (avx512fintrin.h: `__m512d __Y = __Y;`, GCC bug
   105593) wherever Eigen's vectorised code is inlined with -march=native on an AVX-512 CPU: about 150
   copies of a warning about the compiler's header, not about seqmem. That the header is a system
   header does not help (the warning is issued after inlining). Read first, under this pragma, the
   intrinsics' lines carry these two warnings switched off; every other line, seqmem's included,
   keeps them. */
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif
