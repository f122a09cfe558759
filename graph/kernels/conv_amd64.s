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

// func conv5x5Tile(in *float32, inStride int, k *float32, out *float32, outStride int, load int, bias *float32)
//
// One 8x8 tile of a valid 5x5 convolution of one input plane with one kernel:
// out[y*outStride+x] = acc + Σ_{i,j} k[i*5+j]·in[(y+i)*inStride+x+j] for y, x in 0..7,
// the 25 products added one fused multiply-add at a time in the order of k, to acc = 0,
// or to acc = out's values when load is not 0; then bias[0] added when bias is not nil.
// Strides are in elements.
TEXT ·conv5x5Tile(SB), NOSPLIT, $0-56
	MOVQ in+0(FP), SI
	MOVQ inStride+8(FP), R8
	SHLQ $2, R8
	MOVQ k+16(FP), DI
	MOVQ out+24(FP), DX
	MOVQ outStride+32(FP), R11
	SHLQ $2, R11
	MOVQ load+40(FP), AX
	MOVQ bias+48(FP), BX
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

	TESTQ BX, BX
	JZ    store
	VBROADCASTSS (BX), Y8
	VADDPS Y8, Y0, Y0
	VADDPS Y8, Y1, Y1
	VADDPS Y8, Y2, Y2
	VADDPS Y8, Y3, Y3
	VADDPS Y8, Y4, Y4
	VADDPS Y8, Y5, Y5
	VADDPS Y8, Y6, Y6
	VADDPS Y8, Y7, Y7

store:
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
