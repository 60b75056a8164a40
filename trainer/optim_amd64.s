//go:build !purego

#include "textflag.h"

// Per lane, as adam.step in optim.go, with the updated m and v:
//   m = b1*m + c1*g
//   v = b2*v + (c2*g)*g
//   p = p - (alpha*m) / (sqrt(v) + eps)
//   bad += p*0

// func adamAVX512(p, grad, m, v *float32, n int, b1, c1, b2, c2, alpha, eps float32) (bad float32)
TEXT ·adamAVX512(SB), NOSPLIT, $0-68
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSS b1+40(FP), Z1
	VBROADCASTSS c1+44(FP), Z2
	VBROADCASTSS b2+48(FP), Z3
	VBROADCASTSS c2+52(FP), Z4
	VBROADCASTSS alpha+56(FP), Z5
	VBROADCASTSS eps+60(FP), Z6
	VXORPS Z7, Z7, Z7
	VXORPS Z8, Z8, Z8
	XORQ AX, AX

loop512:
	CMPQ AX, CX
	JGE done512
	VMOVUPS (SI)(AX*4), Z9
	VMULPS (R8)(AX*4), Z1, Z10
	VMULPS Z9, Z2, Z11
	VADDPS Z11, Z10, Z10
	VMOVUPS Z10, (R8)(AX*4)
	VMULPS (R9)(AX*4), Z3, Z11
	VMULPS Z9, Z4, Z12
	VMULPS Z9, Z12, Z12
	VADDPS Z12, Z11, Z11
	VMOVUPS Z11, (R9)(AX*4)
	VSQRTPS Z11, Z11
	VADDPS Z6, Z11, Z11
	VMULPS Z10, Z5, Z10
	VDIVPS Z11, Z10, Z10
	VMOVUPS (DI)(AX*4), Z12
	VSUBPS Z10, Z12, Z12
	VMOVUPS Z12, (DI)(AX*4)
	VMULPS Z7, Z12, Z13
	VADDPS Z13, Z8, Z8
	ADDQ $16, AX
	JMP loop512

done512:
	VEXTRACTF64X4 $1, Z8, Y9
	VADDPS Y9, Y8, Y8
	VEXTRACTF128 $1, Y8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0x4E, X8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0xB1, X8, X9
	VADDPS X9, X8, X8
	VMOVSS X8, bad+64(FP)
	VZEROUPPER
	RET

// func adamAVX2(p, grad, m, v *float32, n int, b1, c1, b2, c2, alpha, eps float32) (bad float32)
TEXT ·adamAVX2(SB), NOSPLIT, $0-68
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ v+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSS b1+40(FP), Y1
	VBROADCASTSS c1+44(FP), Y2
	VBROADCASTSS b2+48(FP), Y3
	VBROADCASTSS c2+52(FP), Y4
	VBROADCASTSS alpha+56(FP), Y5
	VBROADCASTSS eps+60(FP), Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	XORQ AX, AX

loop256:
	CMPQ AX, CX
	JGE done256
	VMOVUPS (SI)(AX*4), Y9
	VMULPS (R8)(AX*4), Y1, Y10
	VMULPS Y9, Y2, Y11
	VADDPS Y11, Y10, Y10
	VMOVUPS Y10, (R8)(AX*4)
	VMULPS (R9)(AX*4), Y3, Y11
	VMULPS Y9, Y4, Y12
	VMULPS Y9, Y12, Y12
	VADDPS Y12, Y11, Y11
	VMOVUPS Y11, (R9)(AX*4)
	VSQRTPS Y11, Y11
	VADDPS Y6, Y11, Y11
	VMULPS Y10, Y5, Y10
	VDIVPS Y11, Y10, Y10
	VMOVUPS (DI)(AX*4), Y12
	VSUBPS Y10, Y12, Y12
	VMOVUPS Y12, (DI)(AX*4)
	VMULPS Y7, Y12, Y13
	VADDPS Y13, Y8, Y8
	ADDQ $8, AX
	JMP loop256

done256:
	VEXTRACTF128 $1, Y8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0x4E, X8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0xB1, X8, X9
	VADDPS X9, X8, X8
	VMOVSS X8, bad+64(FP)
	VZEROUPPER
	RET

// RMSprop, per lane, as rmsprop.step in optim.go:
//   s = rho*s + (c*g)*g        with c = 1 - rho
//   p = p - (lr*g) / (sqrt(s) + eps)
//   bad += p*0

// func rmspropAVX512(p, grad, s *float32, n int, rho, c, lr, eps float32) (bad float32)
TEXT ·rmspropAVX512(SB), NOSPLIT, $0-52
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ s+16(FP), R8
	MOVQ n+24(FP), CX
	VBROADCASTSS rho+32(FP), Z1
	VBROADCASTSS c+36(FP), Z2
	VBROADCASTSS lr+40(FP), Z3
	VBROADCASTSS eps+44(FP), Z4
	VXORPS Z7, Z7, Z7
	VXORPS Z8, Z8, Z8
	XORQ AX, AX

rloop512:
	CMPQ AX, CX
	JGE rdone512
	VMOVUPS (SI)(AX*4), Z9
	VMULPS (R8)(AX*4), Z1, Z10
	VMULPS Z9, Z2, Z11
	VMULPS Z9, Z11, Z11
	VADDPS Z11, Z10, Z10
	VMOVUPS Z10, (R8)(AX*4)
	VSQRTPS Z10, Z10
	VADDPS Z4, Z10, Z10
	VMULPS Z9, Z3, Z11
	VDIVPS Z10, Z11, Z11
	VMOVUPS (DI)(AX*4), Z12
	VSUBPS Z11, Z12, Z12
	VMOVUPS Z12, (DI)(AX*4)
	VMULPS Z7, Z12, Z13
	VADDPS Z13, Z8, Z8
	ADDQ $16, AX
	JMP rloop512

rdone512:
	VEXTRACTF64X4 $1, Z8, Y9
	VADDPS Y9, Y8, Y8
	VEXTRACTF128 $1, Y8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0x4E, X8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0xB1, X8, X9
	VADDPS X9, X8, X8
	VMOVSS X8, bad+48(FP)
	VZEROUPPER
	RET

// func rmspropAVX2(p, grad, s *float32, n int, rho, c, lr, eps float32) (bad float32)
TEXT ·rmspropAVX2(SB), NOSPLIT, $0-52
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ s+16(FP), R8
	MOVQ n+24(FP), CX
	VBROADCASTSS rho+32(FP), Y1
	VBROADCASTSS c+36(FP), Y2
	VBROADCASTSS lr+40(FP), Y3
	VBROADCASTSS eps+44(FP), Y4
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	XORQ AX, AX

rloop256:
	CMPQ AX, CX
	JGE rdone256
	VMOVUPS (SI)(AX*4), Y9
	VMULPS (R8)(AX*4), Y1, Y10
	VMULPS Y9, Y2, Y11
	VMULPS Y9, Y11, Y11
	VADDPS Y11, Y10, Y10
	VMOVUPS Y10, (R8)(AX*4)
	VSQRTPS Y10, Y10
	VADDPS Y4, Y10, Y10
	VMULPS Y9, Y3, Y11
	VDIVPS Y10, Y11, Y11
	VMOVUPS (DI)(AX*4), Y12
	VSUBPS Y11, Y12, Y12
	VMOVUPS Y12, (DI)(AX*4)
	VMULPS Y7, Y12, Y13
	VADDPS Y13, Y8, Y8
	ADDQ $8, AX
	JMP rloop256

rdone256:
	VEXTRACTF128 $1, Y8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0x4E, X8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0xB1, X8, X9
	VADDPS X9, X8, X8
	VMOVSS X8, bad+48(FP)
	VZEROUPPER
	RET

// SGD, per lane, as sgd.step in optim.go (AVX2, 8 lanes; mode 0: plain,
// 1: momentum, 2: Nesterov):
//   plain:     p = p - lr*g
//   momentum:  v = mu*v - lr*g;  p = p + v
//   Nesterov:  v = mu*v - lr*g;  p = p + (mu*v - lr*g)
//   bad += p*0

// func sgdAVX2(p, grad, v *float32, n int, lr, mu float32, mode int) (bad float32)
TEXT ·sgdAVX2(SB), NOSPLIT, $0-52
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ v+16(FP), R8
	MOVQ n+24(FP), CX
	VBROADCASTSS lr+32(FP), Y1
	VBROADCASTSS mu+36(FP), Y2
	MOVQ mode+40(FP), DX
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	XORQ AX, AX
	CMPQ DX, $1
	JEQ momentum
	CMPQ DX, $2
	JEQ nesterov

plain:
	CMPQ AX, CX
	JGE sgddone
	VMULPS (SI)(AX*4), Y1, Y9
	VMOVUPS (DI)(AX*4), Y10
	VSUBPS Y9, Y10, Y10
	VMOVUPS Y10, (DI)(AX*4)
	VMULPS Y7, Y10, Y11
	VADDPS Y11, Y8, Y8
	ADDQ $8, AX
	JMP plain

momentum:
	CMPQ AX, CX
	JGE sgddone
	VMULPS (SI)(AX*4), Y1, Y9
	VMULPS (R8)(AX*4), Y2, Y10
	VSUBPS Y9, Y10, Y10
	VMOVUPS Y10, (R8)(AX*4)
	VADDPS (DI)(AX*4), Y10, Y10
	VMOVUPS Y10, (DI)(AX*4)
	VMULPS Y7, Y10, Y11
	VADDPS Y11, Y8, Y8
	ADDQ $8, AX
	JMP momentum

nesterov:
	CMPQ AX, CX
	JGE sgddone
	VMULPS (SI)(AX*4), Y1, Y9
	VMULPS (R8)(AX*4), Y2, Y10
	VSUBPS Y9, Y10, Y10
	VMOVUPS Y10, (R8)(AX*4)
	VMULPS Y10, Y2, Y10
	VSUBPS Y9, Y10, Y10
	VADDPS (DI)(AX*4), Y10, Y10
	VMOVUPS Y10, (DI)(AX*4)
	VMULPS Y7, Y10, Y11
	VADDPS Y11, Y8, Y8
	ADDQ $8, AX
	JMP nesterov

sgddone:
	VEXTRACTF128 $1, Y8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0x4E, X8, X9
	VADDPS X9, X8, X8
	VPERMILPS $0xB1, X8, X9
	VADDPS X9, X8, X8
	VMOVSS X8, bad+48(FP)
	VZEROUPPER
	RET

// L1/L2 gradient and penalty sums, per lane, as regularize in net.go
// (AVX2, 8 lanes; mode bit 1: L1, bit 2: L2):
//   L1: where w != 0 (not NaN): g = g + copysign(l1, w); abs += |w|
//   L2: g = g + l2x2*w; sq += double(w)*double(w)
// The sums are kept in float64, four lanes per accumulator.

DATA regsign<>+0(SB)/4, $0x80000000
GLOBL regsign<>(SB), RODATA|NOPTR, $4

// func regAVX2(w, grad *float32, n int, l1, l2x2 float32, mode int) (abs, sq float64)
TEXT ·regAVX2(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS l1+24(FP), Y1
	VBROADCASTSS l2x2+28(FP), Y2
	MOVQ mode+32(FP), DX
	VBROADCASTSS regsign<>(SB), Y3
	VXORPS Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	XORQ AX, AX

regloop:
	CMPQ AX, CX
	JGE regdone
	VMOVUPS (DI)(AX*4), Y0
	VMOVUPS (SI)(AX*4), Y7
	TESTQ $1, DX
	JEQ regl2
	VANDPS Y3, Y0, Y8
	VORPS Y1, Y8, Y8
	VADDPS Y8, Y7, Y8
	VCMPPS $0x0C, Y4, Y0, Y9
	VBLENDVPS Y9, Y8, Y7, Y7
	VANDNPS Y0, Y3, Y10
	VANDPS Y9, Y10, Y10
	VCVTPS2PD X10, Y11
	VADDPD Y11, Y5, Y5
	VEXTRACTF128 $1, Y10, X10
	VCVTPS2PD X10, Y11
	VADDPD Y11, Y5, Y5

regl2:
	TESTQ $2, DX
	JEQ regstore
	VMULPS Y0, Y2, Y8
	VADDPS Y8, Y7, Y7
	VCVTPS2PD X0, Y11
	VMULPD Y11, Y11, Y11
	VADDPD Y11, Y6, Y6
	VEXTRACTF128 $1, Y0, X12
	VCVTPS2PD X12, Y11
	VMULPD Y11, Y11, Y11
	VADDPD Y11, Y6, Y6

regstore:
	VMOVUPS Y7, (SI)(AX*4)
	ADDQ $8, AX
	JMP regloop

regdone:
	VEXTRACTF128 $1, Y5, X8
	VADDPD X8, X5, X5
	VPERMILPD $1, X5, X8
	VADDSD X8, X5, X5
	VMOVSD X5, abs+40(FP)
	VEXTRACTF128 $1, Y6, X8
	VADDPD X8, X6, X6
	VPERMILPD $1, X6, X8
	VADDSD X8, X6, X6
	VMOVSD X6, sq+48(FP)
	VZEROUPPER
	RET
