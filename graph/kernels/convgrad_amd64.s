//go:build amd64 && !purego

#include "textflag.h"
#include "dot_amd64.h"

// func convGradMap(k int, a *[4]*float32, plane *float32, offs *[26]int, seg, skip int, c *[4]*float32, rows int)
//
// For q = 0, 2, ..., 24 (the 5x5 kernel's weights in pairs, the last alone):
// c[r][q] += a[r] · B_q and c[r][q+1] += a[r] · B_{q+1} (q < 24), for r < rows (1 to 4),
// the dot products of sgemmDotKernel, accumulated and reduced in its order (eight lanes
// by fused multiply-adds from zero, chunk by chunk; then lanes l and l+4 added, then two
// horizontal adds). B_q is not a row but k values read from plane+offs[q] bytes in
// segments of seg chunks of 8, the next segment skip bytes after the end of the last:
// the input pixels that weight q of a 5x5 kernel met, row by row of the output, which
// im2col would have copied into a row of its columns. offs[25] repeats offs[24]. k is
// a multiple of 8, a whole number of segments. Rows past rows read a[0] and are not
// stored.
TEXT ·convGradMap(SB), NOSPLIT, $0-64
	MOVQ rows+56(FP), BX
	MOVQ seg+32(FP), R9
	MOVQ skip+40(FP), R10
	XORQ AX, AX

gpair:
	MOVQ k+0(FP), CX
	MOVQ offs+24(FP), DX
	MOVQ plane+16(FP), DI
	MOVQ plane+16(FP), R14
	ADDQ (DX)(AX*8), DI
	ADDQ 8(DX)(AX*8), R14
	MOVQ a+8(FP), DX
	MOVQ 0(DX), SI
	MOVQ SI, R11
	MOVQ SI, R12
	MOVQ SI, R13
	CMPQ BX, $2
	JLT  gzero
	MOVQ 8(DX), R11
	CMPQ BX, $3
	JLT  gzero
	MOVQ 16(DX), R12
	CMPQ BX, $4
	JLT  gzero
	MOVQ 24(DX), R13
gzero:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ R9, R8

gloop:
	DOT4X2STEP
	DECQ R8
	JNZ  gnext
	ADDQ R10, DI
	ADDQ R10, R14
	MOVQ R9, R8

gnext:
	SUBQ $8, CX
	JNZ  gloop

	// Each accumulator's eight lanes summed into its lowest, as sgemmDotKernel does.
	HSUM8(Y0, X0)
	HSUM8(Y1, X1)
	HSUM8(Y2, X2)
	HSUM8(Y3, X3)
	HSUM8(Y4, X4)
	HSUM8(Y5, X5)
	HSUM8(Y6, X6)
	HSUM8(Y7, X7)

	// c[r][q] and, but for the last weight, c[r][q+1] for rows 0 .. rows-1.
	MOVQ c+48(FP), R9
	MOVQ 0(R9), DX
	LEAQ (DX)(AX*4), DX
	VADDSS (DX), X0, X0
	VMOVSS X0, (DX)
	CMPQ AX, $24
	JGE  grow1
	VADDSS 4(DX), X1, X1
	VMOVSS X1, 4(DX)

grow1:
	CMPQ BX, $2
	JLT  gnextpair
	MOVQ 8(R9), DX
	LEAQ (DX)(AX*4), DX
	VADDSS (DX), X2, X2
	VMOVSS X2, (DX)
	CMPQ AX, $24
	JGE  grow2
	VADDSS 4(DX), X3, X3
	VMOVSS X3, 4(DX)

grow2:
	CMPQ BX, $3
	JLT  gnextpair
	MOVQ 16(R9), DX
	LEAQ (DX)(AX*4), DX
	VADDSS (DX), X4, X4
	VMOVSS X4, (DX)
	CMPQ AX, $24
	JGE  grow3
	VADDSS 4(DX), X5, X5
	VMOVSS X5, 4(DX)

grow3:
	CMPQ BX, $4
	JLT  gnextpair
	MOVQ 24(R9), DX
	LEAQ (DX)(AX*4), DX
	VADDSS (DX), X6, X6
	VMOVSS X6, (DX)
	CMPQ AX, $24
	JGE  gnextpair
	VADDSS 4(DX), X7, X7
	VMOVSS X7, 4(DX)

gnextpair:
	MOVQ seg+32(FP), R9
	ADDQ $2, AX
	CMPQ AX, $25
	JLT  gpair
	VZEROUPPER
	RET

// func convInputGrad(n int, w *float32, d *[16]*float32, rows, chunks int, dx *float32, stride int)
//
// For each of rows rows of chunks chunks of 8 columns: acc = Σ_{m<n} w[m]·d[m][row,
// chunk] by fused multiply-adds from zero, m in order (what the GEMM of kᵀ and the
// output gradients gives one row of im2col's columns, lacking the zero terms of
// kernels a connection table leaves out), then added to dx's row (stride floats apart):
// im2col's adjoint without the columns. Eight rows at a time (eight chains of
// multiply-adds side by side), then one at a time.
TEXT ·convInputGrad(SB), NOSPLIT, $0-56
	MOVQ dx+40(FP), DI
	MOVQ stride+48(FP), R10
	SHLQ $2, R10
	MOVQ chunks+32(FP), R14
	SHLQ $5, R14                // a row of d, in bytes
	LEAQ (R14)(R14*2), AX       // three rows
	XORQ R8, R8                 // the block's first row in d, in bytes
	MOVQ rows+24(FP), BX

iblock:
	CMPQ BX, $8
	JLT  isingle
	MOVQ chunks+32(FP), R9
	MOVQ DI, R11
	MOVQ R8, R13

ichunk8:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ n+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ d+16(FP), DX

iterm8:
	MOVQ (DX), R12
	ADDQ R13, R12
	VBROADCASTSS (SI), Y8
	VFMADD231PS (R12), Y8, Y0
	VFMADD231PS (R12)(R14*1), Y8, Y1
	VFMADD231PS (R12)(R14*2), Y8, Y2
	VFMADD231PS (R12)(AX*1), Y8, Y3
	LEAQ (R12)(R14*4), R12
	VFMADD231PS (R12), Y8, Y4
	VFMADD231PS (R12)(R14*1), Y8, Y5
	VFMADD231PS (R12)(R14*2), Y8, Y6
	VFMADD231PS (R12)(AX*1), Y8, Y7
	ADDQ $4, SI
	ADDQ $8, DX
	DECQ CX
	JNZ  iterm8

	MOVQ R11, R12
	VADDPS (R12), Y0, Y0
	VMOVUPS Y0, (R12)
	ADDQ R10, R12
	VADDPS (R12), Y1, Y1
	VMOVUPS Y1, (R12)
	ADDQ R10, R12
	VADDPS (R12), Y2, Y2
	VMOVUPS Y2, (R12)
	ADDQ R10, R12
	VADDPS (R12), Y3, Y3
	VMOVUPS Y3, (R12)
	ADDQ R10, R12
	VADDPS (R12), Y4, Y4
	VMOVUPS Y4, (R12)
	ADDQ R10, R12
	VADDPS (R12), Y5, Y5
	VMOVUPS Y5, (R12)
	ADDQ R10, R12
	VADDPS (R12), Y6, Y6
	VMOVUPS Y6, (R12)
	ADDQ R10, R12
	VADDPS (R12), Y7, Y7
	VMOVUPS Y7, (R12)
	ADDQ $32, R13
	ADDQ $32, R11
	DECQ R9
	JNZ  ichunk8

	LEAQ (DI)(R10*8), DI
	LEAQ (R8)(R14*8), R8
	SUBQ $8, BX
	JMP  iblock

isingle:
	CMPQ BX, $0
	JEQ  idone
	MOVQ chunks+32(FP), R9
	MOVQ DI, R11
	MOVQ R8, R13

ichunk1:
	VXORPS Y0, Y0, Y0
	MOVQ n+0(FP), CX
	MOVQ w+8(FP), SI
	MOVQ d+16(FP), DX

iterm1:
	MOVQ (DX), R12
	VBROADCASTSS (SI), Y8
	VFMADD231PS (R12)(R13*1), Y8, Y0
	ADDQ $4, SI
	ADDQ $8, DX
	DECQ CX
	JNZ  iterm1
	VADDPS (R11), Y0, Y0
	VMOVUPS Y0, (R11)
	ADDQ $32, R13
	ADDQ $32, R11
	DECQ R9
	JNZ  ichunk1

	ADDQ R10, DI
	ADDQ R14, R8
	DECQ BX
	JMP  isingle

idone:
	VZEROUPPER
	RET

// func sigmoidPoolGrad32(s, dy, d *float32, h, w int)
//
// d = s(1-s)·(g/4) over an h×w plane, g being the gradient of the 2x2 window (dy,
// h/2 × w/2) that each value was pooled into: the average pooling's gradient, then the
// sigmoid's, from its output s, in the ops' arithmetic ((s·(1-s))·v, v = g/4, computed
// as g·0.25, the same correctly rounded quotient). h even, w a multiple of 8.
TEXT ·sigmoidPoolGrad32(SB), NOSPLIT, $0-40
	MOVQ s+0(FP), SI
	MOVQ dy+8(FP), DX
	MOVQ d+16(FP), DI
	MOVQ h+24(FP), BX
	SHRQ $1, BX
	MOVQ w+32(FP), R10
	SHLQ $2, R10
	MOVL $0x3e800000, AX
	VMOVD AX, X15
	VBROADCASTSS X15, Y15
	MOVL $0x3f800000, AX
	VMOVD AX, X14
	VBROADCASTSS X14, Y14

spair:
	MOVQ w+32(FP), CX
	SHRQ $3, CX
	MOVQ SI, R8
	MOVQ DI, R9

schunk:
	VMOVUPS (DX), X0
	VMULPS X15, X0, X0
	VUNPCKLPS X0, X0, X1
	VUNPCKHPS X0, X0, X2
	VINSERTF128 $1, X2, Y1, Y1
	VMOVUPS (R8), Y3
	VSUBPS Y3, Y14, Y4
	VMULPS Y4, Y3, Y4
	VMULPS Y1, Y4, Y4
	VMOVUPS Y4, (R9)
	VMOVUPS (R8)(R10*1), Y3
	VSUBPS Y3, Y14, Y4
	VMULPS Y4, Y3, Y4
	VMULPS Y1, Y4, Y4
	VMOVUPS Y4, (R9)(R10*1)
	ADDQ $16, DX
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ CX
	JNZ  schunk
	LEAQ (SI)(R10*2), SI
	LEAQ (DI)(R10*2), DI
	DECQ BX
	JNZ  spair
	VZEROUPPER
	RET
