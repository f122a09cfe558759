//go:build amd64 && !purego

#include "textflag.h"

// func sgemmKernel(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, rows int, mask *int32)
//
// C[0:rows, 0:16] += A[0:rows, 0:k] · B[0:k, 0:16] for row-major float32 matrices with
// strides lda, ldb, ldc (in elements), 1 <= rows <= 4, k >= 1. The 16 columns of B and C
// are read and written through mask (16 int32, -1 for a column in the matrix, 0 past its
// end), so a last, narrower block never touches memory beyond the matrices. Rows past
// rows compute a copy of row 0 and are not stored. Accumulators: Y0-Y7, rows 0-3 by two
// halves of 8 columns.
TEXT ·sgemmKernel(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	SHLQ $2, R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	SHLQ $2, R10
	MOVQ rows+56(FP), BX
	MOVQ mask+64(FP), AX
	VMOVDQU (AX), Y14
	VMOVDQU 32(AX), Y15

	// Row pointers of A: rows past the last valid one repeat row 0.
	MOVQ SI, R11
	MOVQ SI, R12
	MOVQ SI, R13
	CMPQ BX, $2
	JLT  zero
	LEAQ (SI)(R8*1), R11
	CMPQ BX, $3
	JLT  zero
	LEAQ (R11)(R8*1), R12
	CMPQ BX, $4
	JLT  zero
	LEAQ (R12)(R8*1), R13

zero:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

loop:
	VMASKMOVPS (DI), Y14, Y8
	VMASKMOVPS 32(DI), Y15, Y9
	VBROADCASTSS (SI), Y10
	VFMADD231PS Y8, Y10, Y0
	VFMADD231PS Y9, Y10, Y1
	VBROADCASTSS (R11), Y11
	VFMADD231PS Y8, Y11, Y2
	VFMADD231PS Y9, Y11, Y3
	VBROADCASTSS (R12), Y12
	VFMADD231PS Y8, Y12, Y4
	VFMADD231PS Y9, Y12, Y5
	VBROADCASTSS (R13), Y13
	VFMADD231PS Y8, Y13, Y6
	VFMADD231PS Y9, Y13, Y7
	ADDQ $4, SI
	ADDQ $4, R11
	ADDQ $4, R12
	ADDQ $4, R13
	ADDQ R9, DI
	DECQ CX
	JNZ  loop

	// C[row] += accumulators, through the mask, for rows 0 .. rows-1.
	VMASKMOVPS (DX), Y14, Y8
	VMASKMOVPS 32(DX), Y15, Y9
	VADDPS Y8, Y0, Y0
	VADDPS Y9, Y1, Y1
	VMASKMOVPS Y0, Y14, (DX)
	VMASKMOVPS Y1, Y15, 32(DX)
	CMPQ BX, $2
	JLT  done
	ADDQ R10, DX
	VMASKMOVPS (DX), Y14, Y8
	VMASKMOVPS 32(DX), Y15, Y9
	VADDPS Y8, Y2, Y2
	VADDPS Y9, Y3, Y3
	VMASKMOVPS Y2, Y14, (DX)
	VMASKMOVPS Y3, Y15, 32(DX)
	CMPQ BX, $3
	JLT  done
	ADDQ R10, DX
	VMASKMOVPS (DX), Y14, Y8
	VMASKMOVPS 32(DX), Y15, Y9
	VADDPS Y8, Y4, Y4
	VADDPS Y9, Y5, Y5
	VMASKMOVPS Y4, Y14, (DX)
	VMASKMOVPS Y5, Y15, 32(DX)
	CMPQ BX, $4
	JLT  done
	ADDQ R10, DX
	VMASKMOVPS (DX), Y14, Y8
	VMASKMOVPS 32(DX), Y15, Y9
	VADDPS Y8, Y6, Y6
	VADDPS Y9, Y7, Y7
	VMASKMOVPS Y6, Y14, (DX)
	VMASKMOVPS Y7, Y15, 32(DX)

done:
	VZEROUPPER
	RET

// func sgemmDotKernel(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, rows int, cols int)
//
// C[r, j] += Σ_l A[r, l]·B[j, l] for r < rows <= 4 and j < cols <= 2: the product with B
// transposed, as dot products along rows of A and B, eight at a time (k a positive
// multiple of 8). Rows and columns past rows and cols compute copies of the first and are
// not stored. Accumulators: Y0-Y7, Y(2r + j).
TEXT ·sgemmDotKernel(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	SHLQ $2, R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	SHLQ $2, R10
	MOVQ rows+56(FP), BX
	MOVQ cols+64(FP), AX

	MOVQ DI, R14
	CMPQ AX, $2
	JLT  arows
	LEAQ (DI)(R9*1), R14

arows:
	MOVQ SI, R11
	MOVQ SI, R12
	MOVQ SI, R13
	CMPQ BX, $2
	JLT  dzero
	LEAQ (SI)(R8*1), R11
	CMPQ BX, $3
	JLT  dzero
	LEAQ (R11)(R8*1), R12
	CMPQ BX, $4
	JLT  dzero
	LEAQ (R12)(R8*1), R13

dzero:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

dloop:
	VMOVUPS (DI), Y8
	VMOVUPS (R14), Y9
	VMOVUPS (SI), Y10
	VFMADD231PS Y8, Y10, Y0
	VFMADD231PS Y9, Y10, Y1
	VMOVUPS (R11), Y11
	VFMADD231PS Y8, Y11, Y2
	VFMADD231PS Y9, Y11, Y3
	VMOVUPS (R12), Y12
	VFMADD231PS Y8, Y12, Y4
	VFMADD231PS Y9, Y12, Y5
	VMOVUPS (R13), Y13
	VFMADD231PS Y8, Y13, Y6
	VFMADD231PS Y9, Y13, Y7
	ADDQ $32, SI
	ADDQ $32, R11
	ADDQ $32, R12
	ADDQ $32, R13
	ADDQ $32, DI
	ADDQ $32, R14
	SUBQ $8, CX
	JNZ  dloop

	// Each accumulator's eight lanes summed into its lowest.
	VEXTRACTF128 $1, Y0, X15
	VADDPS X15, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VEXTRACTF128 $1, Y1, X15
	VADDPS X15, X1, X1
	VHADDPS X1, X1, X1
	VHADDPS X1, X1, X1
	VEXTRACTF128 $1, Y2, X15
	VADDPS X15, X2, X2
	VHADDPS X2, X2, X2
	VHADDPS X2, X2, X2
	VEXTRACTF128 $1, Y3, X15
	VADDPS X15, X3, X3
	VHADDPS X3, X3, X3
	VHADDPS X3, X3, X3
	VEXTRACTF128 $1, Y4, X15
	VADDPS X15, X4, X4
	VHADDPS X4, X4, X4
	VHADDPS X4, X4, X4
	VEXTRACTF128 $1, Y5, X15
	VADDPS X15, X5, X5
	VHADDPS X5, X5, X5
	VHADDPS X5, X5, X5
	VEXTRACTF128 $1, Y6, X15
	VADDPS X15, X6, X6
	VHADDPS X6, X6, X6
	VHADDPS X6, X6, X6
	VEXTRACTF128 $1, Y7, X15
	VADDPS X15, X7, X7
	VHADDPS X7, X7, X7
	VHADDPS X7, X7, X7

	// C[r, 0] and, with two columns, C[r, 1] for rows 0 .. rows-1.
	VADDSS (DX), X0, X0
	VMOVSS X0, (DX)
	CMPQ AX, $2
	JLT  drow1
	VADDSS 4(DX), X1, X1
	VMOVSS X1, 4(DX)

drow1:
	CMPQ BX, $2
	JLT  ddone
	ADDQ R10, DX
	VADDSS (DX), X2, X2
	VMOVSS X2, (DX)
	CMPQ AX, $2
	JLT  drow2
	VADDSS 4(DX), X3, X3
	VMOVSS X3, 4(DX)

drow2:
	CMPQ BX, $3
	JLT  ddone
	ADDQ R10, DX
	VADDSS (DX), X4, X4
	VMOVSS X4, (DX)
	CMPQ AX, $2
	JLT  drow3
	VADDSS 4(DX), X5, X5
	VMOVSS X5, 4(DX)

drow3:
	CMPQ BX, $4
	JLT  ddone
	ADDQ R10, DX
	VADDSS (DX), X6, X6
	VMOVSS X6, (DX)
	CMPQ AX, $2
	JLT  ddone
	VADDSS 4(DX), X7, X7
	VMOVSS X7, 4(DX)

ddone:
	VZEROUPPER
	RET
