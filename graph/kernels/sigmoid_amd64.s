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
