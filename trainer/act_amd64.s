//go:build !purego

#include "textflag.h"

// ReLU passes over n float32 (n a multiple of 8), rounding exactly like the
// Go loops in net.go. max(0, v) is taken with 0 as the first operand, so a
// NaN v comes through as NaN and -0 stays -0, as "if v < 0 { v = 0 }" does.

// func reluBiasAVX2(z, b *float32, n int)
// z = max(0, z + b)
TEXT ·reluBiasAVX2(SB), NOSPLIT, $0-24
	MOVQ z+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	XORQ AX, AX
rb:
	CMPQ AX, CX
	JGE rbdone
	VMOVUPS (DI)(AX*4), Y1
	VADDPS (SI)(AX*4), Y1, Y1
	VMAXPS Y1, Y0, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX
	JMP rb
rbdone:
	VZEROUPPER
	RET

// func reluBiasDropAVX2(z, b, d, m *float32, n int)
// z = max(0, z + b); d = z * m
TEXT ·reluBiasDropAVX2(SB), NOSPLIT, $0-40
	MOVQ z+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ d+16(FP), R8
	MOVQ m+24(FP), R9
	MOVQ n+32(FP), CX
	VXORPS Y0, Y0, Y0
	XORQ AX, AX
rbd:
	CMPQ AX, CX
	JGE rbddone
	VMOVUPS (DI)(AX*4), Y1
	VADDPS (SI)(AX*4), Y1, Y1
	VMAXPS Y1, Y0, Y1
	VMOVUPS Y1, (DI)(AX*4)
	VMULPS (R9)(AX*4), Y1, Y1
	VMOVUPS Y1, (R8)(AX*4)
	ADDQ $8, AX
	JMP rbd
rbddone:
	VZEROUPPER
	RET

// func reluBackAVX2(grad, a, m *float32, n int, drop bool)
// grad = a > 0 ? grad (times m when drop) : 0
TEXT ·reluBackAVX2(SB), NOSPLIT, $0-33
	MOVQ grad+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ n+24(FP), CX
	MOVBLZX drop+32(FP), DX
	VXORPS Y0, Y0, Y0
	XORQ AX, AX
	TESTQ DX, DX
	JNE rbkdrop
rbk:
	CMPQ AX, CX
	JGE rbkdone
	VMOVUPS (SI)(AX*4), Y1
	VCMPPS $0x1E, Y0, Y1, Y1
	VANDPS (DI)(AX*4), Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX
	JMP rbk
rbkdrop:
	CMPQ AX, CX
	JGE rbkdone
	VMOVUPS (SI)(AX*4), Y1
	VCMPPS $0x1E, Y0, Y1, Y1
	VMOVUPS (DI)(AX*4), Y2
	VMULPS (R8)(AX*4), Y2, Y2
	VANDPS Y2, Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	ADDQ $8, AX
	JMP rbkdrop
rbkdone:
	VZEROUPPER
	RET
