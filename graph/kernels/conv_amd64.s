//go:build amd64 && !purego

#include "textflag.h"

// TAP adds one kernel weight's products to the eight rows of the tile: the weight at
// off(DI) broadcast, times the input at off bytes into rows 0-7 (rows 0-3 from SI, 4-7
// from R10, R8 one row, R9 three rows), into Y0-Y7.
#define TAP(off) \
	VBROADCASTSS off(DI), Y8; \
	VFMADD231PS off(SI), Y8, Y0; \
	VFMADD231PS off(SI)(R8*1), Y8, Y1; \
	VFMADD231PS off(SI)(R8*2), Y8, Y2; \
	VFMADD231PS off(SI)(R9*1), Y8, Y3; \
	VFMADD231PS off(R10), Y8, Y4; \
	VFMADD231PS off(R10)(R8*1), Y8, Y5; \
	VFMADD231PS off(R10)(R8*2), Y8, Y6; \
	VFMADD231PS off(R10)(R9*1), Y8, Y7

// func conv5x5Tile(in *float32, inStride int, k *float32, out *float32, outStride int, load int)
//
// One 8x8 tile of a valid 5x5 convolution of one input plane with one kernel:
// out[y*outStride+x] = acc + Σ_{i,j} k[i*5+j]·in[(y+i)*inStride+x+j] for y, x in 0..7,
// the 25 products added one fused multiply-add at a time in the order of k, to acc = 0,
// or to acc = out's values when load is not 0. Strides are in elements.
TEXT ·conv5x5Tile(SB), NOSPLIT, $0-48
	MOVQ in+0(FP), SI
	MOVQ inStride+8(FP), R8
	SHLQ $2, R8
	MOVQ k+16(FP), DI
	MOVQ out+24(FP), DX
	MOVQ outStride+32(FP), R11
	SHLQ $2, R11
	MOVQ load+40(FP), AX
	LEAQ (R8)(R8*2), R9
	LEAQ (R11)(R11*2), R12
	LEAQ (DX)(R11*4), R13

	TESTQ AX, AX
	JZ    zero
	VMOVUPS (DX), Y0
	VMOVUPS (DX)(R11*1), Y1
	VMOVUPS (DX)(R11*2), Y2
	VMOVUPS (DX)(R12*1), Y3
	VMOVUPS (R13), Y4
	VMOVUPS (R13)(R11*1), Y5
	VMOVUPS (R13)(R11*2), Y6
	VMOVUPS (R13)(R12*1), Y7
	JMP     taps

zero:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

taps:
	LEAQ (SI)(R8*4), R10
	MOVQ $5, CX

row:
	TAP(0)
	TAP(4)
	TAP(8)
	TAP(12)
	TAP(16)
	ADDQ R8, SI
	ADDQ R8, R10
	ADDQ $20, DI
	DECQ CX
	JNZ  row

	VMOVUPS Y0, (DX)
	VMOVUPS Y1, (DX)(R11*1)
	VMOVUPS Y2, (DX)(R11*2)
	VMOVUPS Y3, (DX)(R12*1)
	VMOVUPS Y4, (R13)
	VMOVUPS Y5, (R13)(R11*1)
	VMOVUPS Y6, (R13)(R11*2)
	VMOVUPS Y7, (R13)(R12*1)
	VZEROUPPER
	RET

// ROW3 adds one input row's eight values (at addr) times the three broadcast weights
// Y8, Y9, Y10 to one output row of each of three maps (a, b, c).
#define ROW3(addr, a, b, c) \
	VMOVUPS addr, Y11; \
	VFMADD231PS Y11, Y8, a; \
	VFMADD231PS Y11, Y9, b; \
	VFMADD231PS Y11, Y10, c

// TAP3 adds one weight position's products to three maps' eight rows: the three
// kernels' weights at off(DI), off(DI)(R12*1) and off(DI)(R13*1), the input rows as TAP
// addresses them; map 0 in Y0-Y7, map 1 in Y16-Y23, map 2 in Y24-Y31.
#define TAP3(off) \
	VBROADCASTSS off(DI), Y8; \
	VBROADCASTSS off(DI)(R12*1), Y9; \
	VBROADCASTSS off(DI)(R13*1), Y10; \
	ROW3(off(SI), Y0, Y16, Y24); \
	ROW3(off(SI)(R8*1), Y1, Y17, Y25); \
	ROW3(off(SI)(R8*2), Y2, Y18, Y26); \
	ROW3(off(SI)(R9*1), Y3, Y19, Y27); \
	ROW3(off(R10), Y4, Y20, Y28); \
	ROW3(off(R10)(R8*1), Y5, Y21, Y29); \
	ROW3(off(R10)(R8*2), Y6, Y22, Y30); \
	ROW3(off(R10)(R9*1), Y7, Y23, Y31)

// MOVE8IN and MOVE8OUT load and store eight registers from and to eight rows from p
// (R11 one row, BX three rows, R10 scratch).
#define MOVE8IN(p, r0, r1, r2, r3, r4, r5, r6, r7) \
	LEAQ (p)(R11*4), R10; \
	VMOVUPS (p), r0; \
	VMOVUPS (p)(R11*1), r1; \
	VMOVUPS (p)(R11*2), r2; \
	VMOVUPS (p)(BX*1), r3; \
	VMOVUPS (R10), r4; \
	VMOVUPS (R10)(R11*1), r5; \
	VMOVUPS (R10)(R11*2), r6; \
	VMOVUPS (R10)(BX*1), r7

#define MOVE8OUT(p, r0, r1, r2, r3, r4, r5, r6, r7) \
	LEAQ (p)(R11*4), R10; \
	VMOVUPS r0, (p); \
	VMOVUPS r1, (p)(R11*1); \
	VMOVUPS r2, (p)(R11*2); \
	VMOVUPS r3, (p)(BX*1); \
	VMOVUPS r4, (R10); \
	VMOVUPS r5, (R10)(R11*1); \
	VMOVUPS r6, (R10)(R11*2); \
	VMOVUPS r7, (R10)(BX*1)

// func conv5x5Tile3(in *float32, inStride int, k0, k1, k2, out0, out1, out2 *float32, outStride int, load int)
//
// conv5x5Tile (without a bias) for three kernels on the same input plane at once, into
// three output tiles: each input row is loaded once for three fused multiply-adds,
// which the 32 registers of AVX-512VL make room for. Each output's products are added
// in the kernel's order, as conv5x5Tile adds them.
TEXT ·conv5x5Tile3(SB), NOSPLIT, $0-80
	MOVQ in+0(FP), SI
	MOVQ inStride+8(FP), R8
	SHLQ $2, R8
	MOVQ k0+16(FP), DI
	MOVQ k1+24(FP), R12
	SUBQ DI, R12
	MOVQ k2+32(FP), R13
	SUBQ DI, R13
	MOVQ outStride+64(FP), R11
	SHLQ $2, R11
	LEAQ (R11)(R11*2), BX
	LEAQ (R8)(R8*2), R9
	MOVQ load+72(FP), AX

	TESTQ AX, AX
	JZ    zero3
	MOVQ  out0+40(FP), DX
	MOVE8IN(DX, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7)
	MOVQ  out1+48(FP), DX
	MOVE8IN(DX, Y16, Y17, Y18, Y19, Y20, Y21, Y22, Y23)
	MOVQ  out2+56(FP), DX
	MOVE8IN(DX, Y24, Y25, Y26, Y27, Y28, Y29, Y30, Y31)
	JMP   taps3

zero3:
	VXORPS  Y0, Y0, Y0
	VMOVAPS Y0, Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y0, Y3
	VMOVAPS Y0, Y4
	VMOVAPS Y0, Y5
	VMOVAPS Y0, Y6
	VMOVAPS Y0, Y7
	VMOVAPS Y0, Y16
	VMOVAPS Y0, Y17
	VMOVAPS Y0, Y18
	VMOVAPS Y0, Y19
	VMOVAPS Y0, Y20
	VMOVAPS Y0, Y21
	VMOVAPS Y0, Y22
	VMOVAPS Y0, Y23
	VMOVAPS Y0, Y24
	VMOVAPS Y0, Y25
	VMOVAPS Y0, Y26
	VMOVAPS Y0, Y27
	VMOVAPS Y0, Y28
	VMOVAPS Y0, Y29
	VMOVAPS Y0, Y30
	VMOVAPS Y0, Y31

taps3:
	LEAQ (SI)(R8*4), R10
	MOVQ $5, CX

row3:
	TAP3(0)
	TAP3(4)
	TAP3(8)
	TAP3(12)
	TAP3(16)
	ADDQ R8, SI
	ADDQ R8, R10
	ADDQ $20, DI
	DECQ CX
	JNZ  row3

	MOVQ out0+40(FP), DX
	MOVE8OUT(DX, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7)
	MOVQ out1+48(FP), DX
	MOVE8OUT(DX, Y16, Y17, Y18, Y19, Y20, Y21, Y22, Y23)
	MOVQ out2+56(FP), DX
	MOVE8OUT(DX, Y24, Y25, Y26, Y27, Y28, Y29, Y30, Y31)
	VZEROUPPER
	RET

// ROW34 adds one input row's eight values (at addr) times the three broadcast weights
// Y12, Y13, Y14 to one output row of each of three maps (a, b, c).
#define ROW34(addr, a, b, c) \
	VMOVUPS addr, Y15; \
	VFMADD231PS Y15, Y12, a; \
	VFMADD231PS Y15, Y13, b; \
	VFMADD231PS Y15, Y14, c

// TAP34 is TAP3 for four rows in AVX2's 16 registers: map 0 in Y0-Y3, map 1 in Y4-Y7,
// map 2 in Y8-Y11.
#define TAP34(off) \
	VBROADCASTSS off(DI), Y12; \
	VBROADCASTSS off(DI)(R12*1), Y13; \
	VBROADCASTSS off(DI)(R13*1), Y14; \
	ROW34(off(SI), Y0, Y4, Y8); \
	ROW34(off(SI)(R8*1), Y1, Y5, Y9); \
	ROW34(off(SI)(R8*2), Y2, Y6, Y10); \
	ROW34(off(SI)(R9*1), Y3, Y7, Y11)

#define MOVE4IN(p, r0, r1, r2, r3) \
	VMOVUPS (p), r0; \
	VMOVUPS (p)(R11*1), r1; \
	VMOVUPS (p)(R11*2), r2; \
	VMOVUPS (p)(BX*1), r3

#define MOVE4OUT(p, r0, r1, r2, r3) \
	VMOVUPS r0, (p); \
	VMOVUPS r1, (p)(R11*1); \
	VMOVUPS r2, (p)(R11*2); \
	VMOVUPS r3, (p)(BX*1)

// func conv5x5Tile34(in *float32, inStride int, k0, k1, k2, out0, out1, out2 *float32, outStride int, load int)
//
// conv5x5Tile3 for the upper four rows of the tiles, in AVX2's 16 registers (twelve
// accumulators, three weights, one input row): each input row loaded once for three
// kernels, as there. Each output's products are added in the kernel's order.
TEXT ·conv5x5Tile34(SB), NOSPLIT, $0-80
	MOVQ in+0(FP), SI
	MOVQ inStride+8(FP), R8
	SHLQ $2, R8
	MOVQ k0+16(FP), DI
	MOVQ k1+24(FP), R12
	SUBQ DI, R12
	MOVQ k2+32(FP), R13
	SUBQ DI, R13
	MOVQ outStride+64(FP), R11
	SHLQ $2, R11
	LEAQ (R11)(R11*2), BX
	LEAQ (R8)(R8*2), R9
	MOVQ load+72(FP), AX

	TESTQ AX, AX
	JZ    zero34
	MOVQ  out0+40(FP), DX
	MOVE4IN(DX, Y0, Y1, Y2, Y3)
	MOVQ  out1+48(FP), DX
	MOVE4IN(DX, Y4, Y5, Y6, Y7)
	MOVQ  out2+56(FP), DX
	MOVE4IN(DX, Y8, Y9, Y10, Y11)
	JMP   taps34

zero34:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

taps34:
	MOVQ $5, CX

row34:
	TAP34(0)
	TAP34(4)
	TAP34(8)
	TAP34(12)
	TAP34(16)
	ADDQ R8, SI
	ADDQ $20, DI
	DECQ CX
	JNZ  row34

	MOVQ out0+40(FP), DX
	MOVE4OUT(DX, Y0, Y1, Y2, Y3)
	MOVQ out1+48(FP), DX
	MOVE4OUT(DX, Y4, Y5, Y6, Y7)
	MOVQ out2+56(FP), DX
	MOVE4OUT(DX, Y8, Y9, Y10, Y11)
	VZEROUPPER
	RET
