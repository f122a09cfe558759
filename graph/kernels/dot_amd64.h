// The dot-product kernels' shared pieces (sgemmDotKernel, convGradMap): written once, so
// that the two give the same bits.

// DOT4X2STEP is one chunk of eight lanes of the dot products of four rows of A (SI,
// R11, R12, R13) with two of B (DI, R14), fused multiply-adds into Y0-Y7 (row r, column
// c in Y(2r+c)); the six pointers move on by a chunk.
#define DOT4X2STEP \
	VMOVUPS     (DI), Y8;       \
	VMOVUPS     (R14), Y9;      \
	VMOVUPS     (SI), Y10;      \
	VFMADD231PS Y8, Y10, Y0;    \
	VFMADD231PS Y9, Y10, Y1;    \
	VMOVUPS     (R11), Y11;     \
	VFMADD231PS Y8, Y11, Y2;    \
	VFMADD231PS Y9, Y11, Y3;    \
	VMOVUPS     (R12), Y12;     \
	VFMADD231PS Y8, Y12, Y4;    \
	VFMADD231PS Y9, Y12, Y5;    \
	VMOVUPS     (R13), Y13;     \
	VFMADD231PS Y8, Y13, Y6;    \
	VFMADD231PS Y9, Y13, Y7;    \
	ADDQ        $32, SI;        \
	ADDQ        $32, R11;       \
	ADDQ        $32, R12;       \
	ADDQ        $32, R13;       \
	ADDQ        $32, DI;        \
	ADDQ        $32, R14

// HSUM8(y, x) sums the eight lanes of y into the lowest of x, y's lower half: the upper
// half added to the lower, then two horizontal adds (X15 is scratch).
#define HSUM8(y, x) \
	VEXTRACTF128 $1, y, X15; \
	VADDPS       X15, x, x;  \
	VHADDPS      x, x, x;    \
	VHADDPS      x, x, x
