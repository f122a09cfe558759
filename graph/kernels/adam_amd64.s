//go:build amd64 && !purego

#include "textflag.h"

// func adam32AVX2(w, grad, m, v *float32, n int, h *AdamStep32)
// Adam32's loop eight elements at a time, the same operations in the same order (n is a
// multiple of 8).
TEXT ·adam32AVX2(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ h+40(FP), AX
	VBROADCASTSS 0(AX), Y8   // β1
	VBROADCASTSS 4(AX), Y9   // 1-β1
	VBROADCASTSS 8(AX), Y10  // β2
	VBROADCASTSS 12(AX), Y11 // 1-β2
	VBROADCASTSS 16(AX), Y12 // corr1
	VBROADCASTSS 20(AX), Y13 // corr2
	VBROADCASTSS 24(AX), Y14 // -lr
	VBROADCASTSS 28(AX), Y15 // ε
	XORQ BX, BX

loop:
	CMPQ BX, CX
	JGE  done
	VMOVUPS (SI)(BX*4), Y0 // g
	VMOVUPS (R8)(BX*4), Y1 // m
	VMULPS  Y8, Y1, Y1     // m β1
	VMULPS  Y9, Y0, Y2     // g (1-β1)
	VADDPS  Y2, Y1, Y1     // m
	VMOVUPS Y1, (R8)(BX*4)
	VMOVUPS (R9)(BX*4), Y3 // v
	VMULPS  Y10, Y3, Y3    // v β2
	VMULPS  Y0, Y0, Y4     // g²
	VMULPS  Y11, Y4, Y4    // g² (1-β2)
	VADDPS  Y4, Y3, Y3     // v
	VMOVUPS Y3, (R9)(BX*4)
	VMULPS  Y13, Y3, Y5    // v corr2
	VSQRTPS Y5, Y5
	VADDPS  Y15, Y5, Y5    // + ε
	VMULPS  Y12, Y1, Y6    // m corr1
	VMULPS  Y14, Y6, Y6    // (-lr)
	VDIVPS  Y5, Y6, Y6     // / (sqrt + ε)
	VMOVUPS (DI)(BX*4), Y1 // w
	VADDPS  Y6, Y1, Y1
	VMOVUPS Y1, (DI)(BX*4)
	ADDQ    $8, BX
	JMP     loop

done:
	VZEROUPPER
	RET
