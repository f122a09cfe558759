//go:build amd64 && !purego

#include "textflag.h"

// Constants of sigmoid32 and exp32 (activation.go): the first nine replicated over a
// 256-bit lane for memory operands, the rest broadcast into registers.
DATA sigconst<>+0x000(SB)/4, $0x3f318000
DATA sigconst<>+0x004(SB)/4, $0x3f318000
DATA sigconst<>+0x008(SB)/4, $0x3f318000
DATA sigconst<>+0x00c(SB)/4, $0x3f318000
DATA sigconst<>+0x010(SB)/4, $0x3f318000
DATA sigconst<>+0x014(SB)/4, $0x3f318000
DATA sigconst<>+0x018(SB)/4, $0x3f318000
DATA sigconst<>+0x01c(SB)/4, $0x3f318000
DATA sigconst<>+0x020(SB)/4, $0xb95e8083
DATA sigconst<>+0x024(SB)/4, $0xb95e8083
DATA sigconst<>+0x028(SB)/4, $0xb95e8083
DATA sigconst<>+0x02c(SB)/4, $0xb95e8083
DATA sigconst<>+0x030(SB)/4, $0xb95e8083
DATA sigconst<>+0x034(SB)/4, $0xb95e8083
DATA sigconst<>+0x038(SB)/4, $0xb95e8083
DATA sigconst<>+0x03c(SB)/4, $0xb95e8083
DATA sigconst<>+0x040(SB)/4, $0x39506967
DATA sigconst<>+0x044(SB)/4, $0x39506967
DATA sigconst<>+0x048(SB)/4, $0x39506967
DATA sigconst<>+0x04c(SB)/4, $0x39506967
DATA sigconst<>+0x050(SB)/4, $0x39506967
DATA sigconst<>+0x054(SB)/4, $0x39506967
DATA sigconst<>+0x058(SB)/4, $0x39506967
DATA sigconst<>+0x05c(SB)/4, $0x39506967
DATA sigconst<>+0x060(SB)/4, $0x3ab743ce
DATA sigconst<>+0x064(SB)/4, $0x3ab743ce
DATA sigconst<>+0x068(SB)/4, $0x3ab743ce
DATA sigconst<>+0x06c(SB)/4, $0x3ab743ce
DATA sigconst<>+0x070(SB)/4, $0x3ab743ce
DATA sigconst<>+0x074(SB)/4, $0x3ab743ce
DATA sigconst<>+0x078(SB)/4, $0x3ab743ce
DATA sigconst<>+0x07c(SB)/4, $0x3ab743ce
DATA sigconst<>+0x080(SB)/4, $0x3c088908
DATA sigconst<>+0x084(SB)/4, $0x3c088908
DATA sigconst<>+0x088(SB)/4, $0x3c088908
DATA sigconst<>+0x08c(SB)/4, $0x3c088908
DATA sigconst<>+0x090(SB)/4, $0x3c088908
DATA sigconst<>+0x094(SB)/4, $0x3c088908
DATA sigconst<>+0x098(SB)/4, $0x3c088908
DATA sigconst<>+0x09c(SB)/4, $0x3c088908
DATA sigconst<>+0x0a0(SB)/4, $0x3d2aa9c1
DATA sigconst<>+0x0a4(SB)/4, $0x3d2aa9c1
DATA sigconst<>+0x0a8(SB)/4, $0x3d2aa9c1
DATA sigconst<>+0x0ac(SB)/4, $0x3d2aa9c1
DATA sigconst<>+0x0b0(SB)/4, $0x3d2aa9c1
DATA sigconst<>+0x0b4(SB)/4, $0x3d2aa9c1
DATA sigconst<>+0x0b8(SB)/4, $0x3d2aa9c1
DATA sigconst<>+0x0bc(SB)/4, $0x3d2aa9c1
DATA sigconst<>+0x0c0(SB)/4, $0x3e2aaaaa
DATA sigconst<>+0x0c4(SB)/4, $0x3e2aaaaa
DATA sigconst<>+0x0c8(SB)/4, $0x3e2aaaaa
DATA sigconst<>+0x0cc(SB)/4, $0x3e2aaaaa
DATA sigconst<>+0x0d0(SB)/4, $0x3e2aaaaa
DATA sigconst<>+0x0d4(SB)/4, $0x3e2aaaaa
DATA sigconst<>+0x0d8(SB)/4, $0x3e2aaaaa
DATA sigconst<>+0x0dc(SB)/4, $0x3e2aaaaa
DATA sigconst<>+0x0e0(SB)/4, $0x3f000000
DATA sigconst<>+0x0e4(SB)/4, $0x3f000000
DATA sigconst<>+0x0e8(SB)/4, $0x3f000000
DATA sigconst<>+0x0ec(SB)/4, $0x3f000000
DATA sigconst<>+0x0f0(SB)/4, $0x3f000000
DATA sigconst<>+0x0f4(SB)/4, $0x3f000000
DATA sigconst<>+0x0f8(SB)/4, $0x3f000000
DATA sigconst<>+0x0fc(SB)/4, $0x3f000000
DATA sigconst<>+0x100(SB)/4, $0x0000007f
DATA sigconst<>+0x104(SB)/4, $0x0000007f
DATA sigconst<>+0x108(SB)/4, $0x0000007f
DATA sigconst<>+0x10c(SB)/4, $0x0000007f
DATA sigconst<>+0x110(SB)/4, $0x0000007f
DATA sigconst<>+0x114(SB)/4, $0x0000007f
DATA sigconst<>+0x118(SB)/4, $0x0000007f
DATA sigconst<>+0x11c(SB)/4, $0x0000007f
DATA sigconst<>+0x120(SB)/4, $0x3fb8aa3b
DATA sigconst<>+0x124(SB)/4, $0x3f800000
DATA sigconst<>+0x128(SB)/4, $0xc1700000
DATA sigconst<>+0x12c(SB)/4, $0x42b00000
DATA sigconst<>+0x130(SB)/4, $0xc2b00000
DATA sigconst<>+0x134(SB)/4, $0x41700000
GLOBL sigconst<>(SB), RODATA|NOPTR, $312

// func sigmoid32AVX2(x, y *float32, n int)
//
// y[i] = sigmoid32(x[i]) for n (a positive multiple of 8) values, eight at a time: the
// same range reduction and polynomial as exp32, with fused multiply-adds, the same
// cut-offs (0 below -88, 1 above 15), NaN in NaN out.
TEXT ·sigmoid32AVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSS sigconst<>+0x120(SB), Y13
	VBROADCASTSS sigconst<>+0x124(SB), Y12
	VBROADCASTSS sigconst<>+0x128(SB), Y10
	VBROADCASTSS sigconst<>+0x12c(SB), Y11
	VBROADCASTSS sigconst<>+0x130(SB), Y14
	VBROADCASTSS sigconst<>+0x134(SB), Y15
	VXORPS Y9, Y9, Y9

loop:
	VMOVUPS (SI), Y0
	VSUBPS Y0, Y9, Y1 // t = -x
	VMAXPS Y1, Y10, Y1 // t clamped to [-15, 88]; a NaN stays
	VMINPS Y1, Y11, Y1
	VMULPS Y13, Y1, Y2 // n = round(t·log2e)
	VROUNDPS $0, Y2, Y2
	VMOVAPS Y1, Y3 // r = t - n·ln2hi - n·ln2lo
	VFNMADD231PS sigconst<>+0x000(SB), Y2, Y3
	VFNMADD231PS sigconst<>+0x020(SB), Y2, Y3
	VMOVUPS sigconst<>+0x040(SB), Y4 // p = ((((c5·r + c4)·r + c3)·r + c2)·r + c1)·r + c0
	VFMADD213PS sigconst<>+0x060(SB), Y3, Y4
	VFMADD213PS sigconst<>+0x080(SB), Y3, Y4
	VFMADD213PS sigconst<>+0x0a0(SB), Y3, Y4
	VFMADD213PS sigconst<>+0x0c0(SB), Y3, Y4
	VFMADD213PS sigconst<>+0x0e0(SB), Y3, Y4
	VMULPS Y3, Y3, Y5 // e^r = p·r² + r + 1
	VFMADD213PS Y3, Y5, Y4
	VADDPS Y12, Y4, Y4
	VCVTPS2DQ Y2, Y6 // e^t = e^r·2^n, 2^n built in the exponent bits
	VPADDD sigconst<>+0x100(SB), Y6, Y6
	VPSLLD $23, Y6, Y6
	VMULPS Y6, Y4, Y4
	VADDPS Y12, Y4, Y4 // 1 / (1 + e^t)
	VDIVPS Y4, Y12, Y7
	VCMPPS $1, Y14, Y0, Y8 // x < -88: 0
	VBLENDVPS Y8, Y9, Y7, Y7
	VCMPPS $14, Y15, Y0, Y8 // x > 15: 1
	VBLENDVPS Y8, Y12, Y7, Y7
	VMOVUPS Y7, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ loop
	VZEROUPPER
	RET

// Constants of the fused sigmoid and pooling (sigmoidPool32AVX2, sigmoid32AVX512,
// pool32AVX2) beyond sigconst's: -15, 88, -88, 15, 1, log2e and 1/4,
// each replicated over a 256-bit lane for memory operands.
#define REP8(off, v) \
	DATA poolconst<>+(off+0x00)(SB)/4, v; \
	DATA poolconst<>+(off+0x04)(SB)/4, v; \
	DATA poolconst<>+(off+0x08)(SB)/4, v; \
	DATA poolconst<>+(off+0x0c)(SB)/4, v; \
	DATA poolconst<>+(off+0x10)(SB)/4, v; \
	DATA poolconst<>+(off+0x14)(SB)/4, v; \
	DATA poolconst<>+(off+0x18)(SB)/4, v; \
	DATA poolconst<>+(off+0x1c)(SB)/4, v

REP8(0x00, $0xc1700000)
REP8(0x20, $0x42b00000)
REP8(0x40, $0xc2b00000)
REP8(0x60, $0x41700000)
REP8(0x80, $0x3f800000)
REP8(0xa0, $0x3fb8aa3b)
REP8(0xc0, $0x3e800000)
GLOBL poolconst<>(SB), RODATA|NOPTR, $224

// SIGMOID2 replaces X and W with sigmoid32 of their eight values: sigmoid32AVX2's
// operations in its order (sigmoid_amd64.s), for two vectors side by side (X with
// scratch Y12-Y15, W with Y2-Y5), with Y9 zero, Y10 -15 and Y11 88 (a NaN passes the
// clamps as there), other constants from memory.
#define SIGMOID2(X, W) \
	VSUBPS X, Y9, Y12; \
	VSUBPS W, Y9, Y2; \
	VMAXPS Y12, Y10, Y12; \
	VMAXPS Y2, Y10, Y2; \
	VMINPS Y12, Y11, Y12; \
	VMINPS Y2, Y11, Y2; \
	VMULPS poolconst<>+0xa0(SB), Y12, Y13; \
	VMULPS poolconst<>+0xa0(SB), Y2, Y3; \
	VROUNDPS $0, Y13, Y13; \
	VROUNDPS $0, Y3, Y3; \
	VFNMADD231PS sigconst<>+0x000(SB), Y13, Y12; \
	VFNMADD231PS sigconst<>+0x000(SB), Y3, Y2; \
	VFNMADD231PS sigconst<>+0x020(SB), Y13, Y12; \
	VFNMADD231PS sigconst<>+0x020(SB), Y3, Y2; \
	VMOVUPS sigconst<>+0x040(SB), Y14; \
	VMOVUPS Y14, Y4; \
	VFMADD213PS sigconst<>+0x060(SB), Y12, Y14; \
	VFMADD213PS sigconst<>+0x060(SB), Y2, Y4; \
	VFMADD213PS sigconst<>+0x080(SB), Y12, Y14; \
	VFMADD213PS sigconst<>+0x080(SB), Y2, Y4; \
	VFMADD213PS sigconst<>+0x0a0(SB), Y12, Y14; \
	VFMADD213PS sigconst<>+0x0a0(SB), Y2, Y4; \
	VFMADD213PS sigconst<>+0x0c0(SB), Y12, Y14; \
	VFMADD213PS sigconst<>+0x0c0(SB), Y2, Y4; \
	VFMADD213PS sigconst<>+0x0e0(SB), Y12, Y14; \
	VFMADD213PS sigconst<>+0x0e0(SB), Y2, Y4; \
	VMULPS Y12, Y12, Y15; \
	VMULPS Y2, Y2, Y5; \
	VFMADD213PS Y12, Y15, Y14; \
	VFMADD213PS Y2, Y5, Y4; \
	VADDPS poolconst<>+0x80(SB), Y14, Y14; \
	VADDPS poolconst<>+0x80(SB), Y4, Y4; \
	VCVTPS2DQ Y13, Y13; \
	VCVTPS2DQ Y3, Y3; \
	VPADDD sigconst<>+0x100(SB), Y13, Y13; \
	VPADDD sigconst<>+0x100(SB), Y3, Y3; \
	VPSLLD $23, Y13, Y13; \
	VPSLLD $23, Y3, Y3; \
	VMULPS Y13, Y14, Y14; \
	VMULPS Y3, Y4, Y4; \
	VADDPS poolconst<>+0x80(SB), Y14, Y14; \
	VADDPS poolconst<>+0x80(SB), Y4, Y4; \
	VMOVUPS poolconst<>+0x80(SB), Y12; \
	VMOVUPS Y12, Y2; \
	VDIVPS Y14, Y12, Y12; \
	VDIVPS Y4, Y2, Y2; \
	VCMPPS $1, poolconst<>+0x40(SB), X, Y13; \
	VCMPPS $1, poolconst<>+0x40(SB), W, Y3; \
	VBLENDVPS Y13, Y9, Y12, Y12; \
	VBLENDVPS Y3, Y9, Y2, Y2; \
	VCMPPS $14, poolconst<>+0x60(SB), X, Y13; \
	VCMPPS $14, poolconst<>+0x60(SB), W, Y3; \
	VBLENDVPS Y13, poolconst<>+0x80(SB), Y12, X; \
	VBLENDVPS Y3, poolconst<>+0x80(SB), Y2, W

// MEANS4 stores at (R11) the four 2x2 means of two rows of eight values, Y0 the upper
// and Y1 the lower: each window's ((a+b)+c)+d times 1/4, in lanes 0, 1, 4 and 5 of Y2
// (Y2-Y5 scratch).
#define MEANS4 \
	VSHUFPS $0x88, Y1, Y0, Y2; \
	VSHUFPS $0xdd, Y1, Y0, Y3; \
	VSHUFPS $0x88, Y0, Y1, Y4; \
	VSHUFPS $0xdd, Y0, Y1, Y5; \
	VADDPS Y3, Y2, Y2; \
	VADDPS Y4, Y2, Y2; \
	VADDPS Y5, Y2, Y2; \
	VMULPS poolconst<>+0xc0(SB), Y2, Y2; \
	VEXTRACTF128 $1, Y2, X3; \
	VUNPCKLPD X3, X2, X2; \
	VMOVUPS X2, (R11)

// func sigmoidPool32AVX2(x, y *float32, h, w int, bias float32)
//
// The sigmoid of an h×w plane x plus bias, then its 2x2 means into y ((h/2)×(w/2)): for
// each pair of rows and eight columns, both rows' sigmoids (Y0, Y1), and each window's
// ((a+b)+c)+d, a and b from the upper row, times 1/4, as the pooling op adds and divides.
// h is even and at least 2, w a positive multiple of 8.
TEXT ·sigmoidPool32AVX2(SB), NOSPLIT, $0-36
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ h+16(FP), BX
	SHRQ $1, BX
	MOVQ w+24(FP), R8
	SHLQ $2, R8 // a row, in bytes
	VXORPS Y9, Y9, Y9
	VMOVUPS poolconst<>+0x00(SB), Y10
	VMOVUPS poolconst<>+0x20(SB), Y11
	VBROADCASTSS bias+32(FP), Y8

pairs:
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ R8, CX
	SHRQ $5, CX // blocks of 8 columns

blocks:
	VADDPS (R10), Y8, Y0
	VADDPS (R10)(R8*1), Y8, Y1
	SIGMOID2(Y0, Y1)
	MEANS4
	ADDQ $32, R10
	ADDQ $16, R11
	DECQ CX
	JNZ  blocks

	LEAQ (SI)(R8*2), SI
	MOVQ R8, AX
	SHRQ $1, AX
	ADDQ AX, DI
	DECQ BX
	JNZ  pairs
	VZEROUPPER
	RET

// ZSIGMOID(addr, X, A, B, C, D, K, L) sets X to sigmoid32 of the 16 values at addr plus
// the bias in Z15: sigmoid32AVX2's operations in its order
// in 512-bit registers, with A-D scratch and mask registers K, L; constants in Z16-Z31
// (see sigmoid32AVX512).
#define ZSIGMOID(addr, X, A, B, C, D, K, L) \
	VADDPS addr, Z15, X; \
	VSUBPS X, Z16, A; \
	VMAXPS A, Z17, A; \
	VMINPS A, Z18, A; \
	VMULPS Z19, A, B; \
	VRNDSCALEPS $0, B, B; \
	VFNMADD231PS Z20, B, A; \
	VFNMADD231PS Z21, B, A; \
	VMOVAPS Z22, C; \
	VFMADD213PS Z23, A, C; \
	VFMADD213PS Z24, A, C; \
	VFMADD213PS Z25, A, C; \
	VFMADD213PS Z26, A, C; \
	VFMADD213PS Z27, A, C; \
	VMULPS A, A, D; \
	VFMADD213PS A, D, C; \
	VADDPS Z29, C, C; \
	VCVTPS2DQ B, B; \
	VPADDD Z28, B, B; \
	VPSLLD $23, B, B; \
	VMULPS B, C, C; \
	VADDPS Z29, C, C; \
	VDIVPS C, Z29, A; \
	VCMPPS $1, Z30, X, K; \
	VBLENDMPS Z16, A, K, A; \
	VCMPPS $14, Z31, X, L; \
	VBLENDMPS Z29, A, L, X

// func sigmoid32AVX512(x, y *float32, n int, bias float32)
//
// y[i] = sigmoid32(x[i] + bias) for n (a positive multiple of 32) values, 32 at a time in
// two 512-bit registers side by side: sigmoid32AVX2's arithmetic (VRNDSCALEPS $0 rounds
// as VROUNDPS $0 does, VBLENDMPS selects as VBLENDVPS does), with twice the values per
// instruction, which the dependency chain of one sigmoid needs to keep the units busy.
TEXT ·sigmoid32AVX512(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSS bias+24(FP), Z15
	VPXORD Z16, Z16, Z16
	VBROADCASTSS poolconst<>+0x00(SB), Z17 // -15
	VBROADCASTSS poolconst<>+0x20(SB), Z18 // 88
	VBROADCASTSS poolconst<>+0xa0(SB), Z19 // log2e
	VBROADCASTSS sigconst<>+0x000(SB), Z20 // ln2hi
	VBROADCASTSS sigconst<>+0x020(SB), Z21 // ln2lo
	VBROADCASTSS sigconst<>+0x040(SB), Z22 // the polynomial's coefficients
	VBROADCASTSS sigconst<>+0x060(SB), Z23
	VBROADCASTSS sigconst<>+0x080(SB), Z24
	VBROADCASTSS sigconst<>+0x0a0(SB), Z25
	VBROADCASTSS sigconst<>+0x0c0(SB), Z26
	VBROADCASTSS sigconst<>+0x0e0(SB), Z27
	VPBROADCASTD sigconst<>+0x100(SB), Z28 // 127
	VBROADCASTSS poolconst<>+0x80(SB), Z29 // 1
	VBROADCASTSS poolconst<>+0x40(SB), Z30 // -88
	VBROADCASTSS poolconst<>+0x60(SB), Z31 // 15

zloop:
	ZSIGMOID((SI), Z0, Z2, Z3, Z4, Z5, K1, K2)
	ZSIGMOID(64(SI), Z1, Z6, Z7, Z8, Z9, K3, K4)
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JNZ  zloop
	VZEROUPPER
	RET

// func pool32AVX2(x, y *float32, h, w int)
//
// The 2x2 means of an h×w plane into y ((h/2)×(w/2)), as sigmoidPool32AVX2 takes them.
TEXT ·pool32AVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ h+16(FP), BX
	SHRQ $1, BX
	MOVQ w+24(FP), R8
	SHLQ $2, R8

ppairs:
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ R8, CX
	SHRQ $5, CX

pblocks:
	VMOVUPS (R10), Y0
	VMOVUPS (R10)(R8*1), Y1
	MEANS4
	ADDQ $32, R10
	ADDQ $16, R11
	DECQ CX
	JNZ  pblocks

	LEAQ (SI)(R8*2), SI
	MOVQ R8, AX
	SHRQ $1, AX
	ADDQ AX, DI
	DECQ BX
	JNZ  ppairs
	VZEROUPPER
	RET
