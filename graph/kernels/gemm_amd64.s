//go:build amd64 && !purego

#include "textflag.h"
#include "dot_amd64.h"

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
	DOT4X2STEP
	SUBQ $8, CX
	JNZ  dloop

	// Each accumulator's eight lanes summed into its lowest.
	HSUM8(Y0, X0)
	HSUM8(Y1, X1)
	HSUM8(Y2, X2)
	HSUM8(Y3, X3)
	HSUM8(Y4, X4)
	HSUM8(Y5, X5)
	HSUM8(Y6, X6)
	HSUM8(Y7, X7)

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

// ROW8 adds row r of A's element (at addr) times B's 16 columns (Y0, Y1) to row r's
// accumulators a and b.
#define ROW8(addr, bc, a, b) \
	VBROADCASTSS addr, bc; \
	VFMADD231PS Y0, bc, a; \
	VFMADD231PS Y1, bc, b

// STEP8 adds the products of A's column and B's row (in Y0, Y1) to all eight rows and
// moves on to the next column and row.
#define STEP8 \
	ROW8((SI), Y2, Y16, Y17); \
	ROW8((SI)(R8*1), Y3, Y18, Y19); \
	ROW8((SI)(R8*2), Y4, Y20, Y21); \
	ROW8((SI)(R11*1), Y5, Y22, Y23); \
	ROW8((R12), Y6, Y24, Y25); \
	ROW8((R12)(R8*1), Y7, Y26, Y27); \
	ROW8((R12)(R8*2), Y8, Y28, Y29); \
	ROW8((R12)(R11*1), Y9, Y30, Y31); \
	ADDQ $4, SI; \
	ADDQ $4, R12; \
	ADDQ R9, DI; \
	DECQ CX

// ADDSTORE adds row acc a, b to C's row at DX through the masks, and stores it.
#define ADDSTORE(a, b) \
	VMASKMOVPS (DX), Y14, Y8; \
	VMASKMOVPS 32(DX), Y15, Y9; \
	VADDPS Y8, a, Y8; \
	VADDPS Y9, b, Y9; \
	VMASKMOVPS Y8, Y14, (DX); \
	VMASKMOVPS Y9, Y15, 32(DX); \
	ADDQ R10, DX

// func sgemmKernel8(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, mask *int32)
//
// sgemmKernel for eight rows: C[0:8, 0:16] += A[0:8, 0:k] · B[0:k, 0:16], each B row
// loaded once for eight rows, in the 32 registers of AVX-512VL (accumulators Y16-Y31,
// row r in Y(16+2r) and Y(17+2r)), and through the masks only when the block is
// narrower than 16 columns. Each element's products are added in the order of k from
// zero and then to C, as sgemmKernel adds them.
TEXT ·sgemmKernel8(SB), NOSPLIT, $0-64
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
	MOVQ mask+56(FP), AX
	VMOVDQU (AX), Y14
	VMOVDQU 32(AX), Y15
	LEAQ (R8)(R8*2), R11
	LEAQ (SI)(R8*4), R12

	VXORPS  Y0, Y0, Y0
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

	MOVL 60(AX), BX // the 16th column's mask: all 16 in the matrix?
	TESTL BX, BX
	JZ    masked8

full8: // B's rows loaded whole
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	STEP8
	JNZ  full8
	JMP  store8

masked8:
	VMASKMOVPS (DI), Y14, Y0
	VMASKMOVPS 32(DI), Y15, Y1
	STEP8
	JNZ  masked8

store8:
	ADDSTORE(Y16, Y17)
	ADDSTORE(Y18, Y19)
	ADDSTORE(Y20, Y21)
	ADDSTORE(Y22, Y23)
	ADDSTORE(Y24, Y25)
	ADDSTORE(Y26, Y27)
	ADDSTORE(Y28, Y29)
	ADDSTORE(Y30, Y31)
	VZEROUPPER
	RET
