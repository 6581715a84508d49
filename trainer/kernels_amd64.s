//go:build !purego

#include "textflag.h"
#include "go_asm.h"

// The pieces of sgPairRegAVX512, one 16-lane chunk at byte offset off
// of the rows, with x's chunk in register X and e's in E. RWHOLE jumps to
// done when the row ends after n floats (R9 = n): the kernel is unrolled
// for 8 chunks, and each piece but the last checks.
#define RWHOLE(n, done) \
	CMPQ R9, $n; \
	JEQ  done

// RUPDATE: e += g·y; y += g·x (g broadcast in Z3, T a temporary).
#define RUPDATE(off, X, E, T) \
	VMOVUPS     off(DI), T; \
	VFMADD231PS T, Z3, E; \
	VFMADD231PS X, Z3, T; \
	VMOVUPS     T, off(DI)

// RFINISH: x += e, stored; e stored as sgPairAVX512 leaves it.
#define RFINISH(off, X, E) \
	VADDPS  E, X, X; \
	VMOVUPS X, off(SI); \
	VMOVUPS E, off(R8)

// SGARGS loads the pair kernels' arguments and constants into the
// registers listed at sgPairAVX512; X14 starts as *loss, or 0 when loss
// (R10) is nil. It defines the label sgconst.
#define SGARGS \
	MOVQ    x_len+8(FP), R9; \
	MOVQ    x_base+0(FP), SI; \
	MOVQ    e_base+24(FP), R8; \
	MOVQ    rows_base+48(FP), R11; \
	MOVQ    rows_len+56(FP), R12; \
	LEAQ    ·sigTable(SB), R14; \
	LEAQ    ·logSigTable(SB), R13; \
	VMOVSS  alpha+72(FP), X13; \
	MOVQ    loss+80(FP), R10; \
	VXORPD  X14, X14, X14; \
	TESTQ   R10, R10; \
	JZ      sgconst; \
	VMOVSD  (R10), X14; \
sgconst: \
	VMOVSS  ·sgConst+0(SB), X9; \
	VMOVSS  ·sgConst+4(SB), X10; \
	VMOVSS  ·sgConst+8(SB), X11; \
	VMOVSS  ·sgConst+12(SB), X12; \
	VXORPS  X15, X15, X15

// SGNEXT moves the pair kernels to the next target row and jumps to
// target: the rest are negatives, label 0 (X12) and z = -f (the sign bit
// in X15).
#define SGNEXT(target) \
	VXORPS X12, X12, X12; \
	VMOVSS ·sgConst+16(SB), X15; \
	ADDQ   $8, R11; \
	DECQ   R12; \
	JMP    target

// SGENTRY loads into V the entry of the table at T for the logit in F:
// index (F + maxExp)·expScale, the saturated last entry (AX) for F >=
// maxExp and the first (DX) for F <= -maxExp. Clobbers BX.
#define SGENTRY(F, V, T) \
	VADDSS      X9, F, V; \
	VMULSS      X11, V, V; \
	VCVTTSS2SIQ V, BX; \
	VUCOMISS    X9, F; \
	CMOVQCC     AX, BX; \
	VUCOMISS    X10, F; \
	CMOVQLS     DX, BX; \
	VMOVSS      (T)(BX*4), V

// SGLOGIT is the pair kernels' step from a logit: it sums Z0's lanes in
// dotAVX2's order (lanes 0-7 and 8-15 are its Y0 and Y1) into f, then sets
// X3 to the step g = (label - σ(f))·alpha and, unless R10 (the loss
// pointer) is nil, subtracts the prediction's log-likelihood from X14. A
// NaN logit makes the loss NaN and the step 0. Otherwise no branches: a
// logit at or past ±maxExp reads the tables' saturated entries
// (sigTableHigh, sigTableLow), and z <= -maxExp takes the loss term z by a
// blend. Registers as listed at sgPairAVX512; clobbers AX, BX, DX, X1,
// X2, X4, X5. It defines the labels sgnan and sgupd (each kernel uses it
// once) and ends at sgupd.
#define SGLOGIT \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPS        Y1, Y0, Y0; \
	VEXTRACTF128  $1, Y0, X1; \
	VADDPS        X1, X0, X0; \
	VHADDPS       X0, X0, X0; \
	VHADDPS       X0, X0, X0; \
	VUCOMISS    X0, X0; \
	JPS         sgnan; \
	MOVQ        $const_sigTableHigh, AX; \
	MOVQ        $const_sigTableLow, DX; \
	SGENTRY(X0, X3, R14); \
	VSUBSS      X3, X12, X3; \
	VMULSS      X13, X3, X3; \
	TESTQ       R10, R10; \
	JZ          sgupd; \
	VXORPS      X15, X0, X2; \
	SGENTRY(X2, X4, R13); \
	VCMPSS      $2, X10, X2, X5; \
	VBLENDVPS   X5, X2, X4, X4; \
	VCVTSS2SD   X4, X4, X4; \
	VSUBSD      X4, X14, X14; \
	JMP         sgupd; \
sgnan: \
	VMOVSD ·sgNaN(SB), X14; \
	VXORPS X3, X3, X3; \
sgupd:

// func dotAVX2(x, y []float32) float32
// len(y) >= len(x) is ensured by the caller.
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	XORQ   AX, AX
	MOVQ   CX, DX
	ANDQ   $-16, DX

dot16:
	CMPQ        AX, DX
	JGE         dot8
	VMOVUPS     (SI)(AX*4), Y2
	VMOVUPS     32(SI)(AX*4), Y3
	VFMADD231PS (DI)(AX*4), Y2, Y0
	VFMADD231PS 32(DI)(AX*4), Y3, Y1
	ADDQ        $16, AX
	JMP         dot16

dot8:
	MOVQ        CX, DX
	ANDQ        $-8, DX
	CMPQ        AX, DX
	JGE         dotsum
	VMOVUPS     (SI)(AX*4), Y2
	VFMADD231PS (DI)(AX*4), Y2, Y0
	ADDQ        $8, AX

dotsum:
	VADDPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0

dot1:
	CMPQ        AX, CX
	JGE         dotdone
	VMOVSS      (SI)(AX*4), X2
	VFMADD231SS (DI)(AX*4), X2, X0
	INCQ        AX
	JMP         dot1

dotdone:
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET

// func axpyAVX2(a float32, x, y []float32)
// len(y) >= len(x) is ensured by the caller.
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	VBROADCASTSS a+0(FP), Y0
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	MOVQ         y_base+32(FP), DI
	XORQ         AX, AX
	MOVQ         CX, DX
	ANDQ         $-16, DX

axpy16:
	CMPQ        AX, DX
	JGE         axpy8
	VMOVUPS     (DI)(AX*4), Y1
	VMOVUPS     32(DI)(AX*4), Y2
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VFMADD231PS 32(SI)(AX*4), Y0, Y2
	VMOVUPS     Y1, (DI)(AX*4)
	VMOVUPS     Y2, 32(DI)(AX*4)
	ADDQ        $16, AX
	JMP         axpy16

axpy8:
	MOVQ        CX, DX
	ANDQ        $-8, DX
	CMPQ        AX, DX
	JGE         axpy1
	VMOVUPS     (DI)(AX*4), Y1
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VMOVUPS     Y1, (DI)(AX*4)
	ADDQ        $8, AX

axpy1:
	CMPQ        AX, CX
	JGE         axpydone
	VMOVSS      (DI)(AX*4), X1
	VFMADD231SS (SI)(AX*4), X0, X1
	VMOVSS      X1, (DI)(AX*4)
	INCQ        AX
	JMP         axpy1

axpydone:
	VZEROUPPER
	RET

// The multi-row kernels (kernels_rows.go) with AVX-512F: 16 lanes per
// chunk; the last chunk of a row (lanes n-16.. n-1 rounded to a chunk) is
// loaded and stored under the lane mask K2, so nothing outside a row is
// touched. Shared prologue: CX = n, K1 = all lanes, K2 = the last chunk's
// lanes, DX = number of chunks before the last (macro ROWMASKS).

// tailmask<>[r] is the lane mask of a last chunk of r elements (r = n mod
// 16; 0 means a whole chunk).
DATA tailmask<>+0(SB)/2, $0xFFFF
DATA tailmask<>+2(SB)/2, $0x0001
DATA tailmask<>+4(SB)/2, $0x0003
DATA tailmask<>+6(SB)/2, $0x0007
DATA tailmask<>+8(SB)/2, $0x000F
DATA tailmask<>+10(SB)/2, $0x001F
DATA tailmask<>+12(SB)/2, $0x003F
DATA tailmask<>+14(SB)/2, $0x007F
DATA tailmask<>+16(SB)/2, $0x00FF
DATA tailmask<>+18(SB)/2, $0x01FF
DATA tailmask<>+20(SB)/2, $0x03FF
DATA tailmask<>+22(SB)/2, $0x07FF
DATA tailmask<>+24(SB)/2, $0x0FFF
DATA tailmask<>+26(SB)/2, $0x1FFF
DATA tailmask<>+28(SB)/2, $0x3FFF
DATA tailmask<>+30(SB)/2, $0x7FFF
GLOBL tailmask<>(SB), RODATA|NOPTR, $32

// ROWMASKS: on entry CX = n > 0. Sets K1 = all 16 lanes, K2 = the lanes of
// the last chunk, DX = the number of chunks before the last, (n-1)/16.
// Clobbers BX and R10.
#define ROWMASKS \
	LEAQ    -1(CX), DX; \
	SHRQ    $4, DX; \
	MOVL    $0xFFFF, BX; \
	KMOVW   BX, K1; \
	MOVQ    CX, BX; \
	ANDQ    $15, BX; \
	LEAQ    tailmask<>(SB), R10; \
	MOVWLZX (R10)(BX*2), BX; \
	KMOVW   BX, K2

// chunkmask<>[v] is the lane mask of a chunk with v = 0..16 valid lanes.
DATA chunkmask<>+0(SB)/2, $0x0000
DATA chunkmask<>+2(SB)/2, $0x0001
DATA chunkmask<>+4(SB)/2, $0x0003
DATA chunkmask<>+6(SB)/2, $0x0007
DATA chunkmask<>+8(SB)/2, $0x000F
DATA chunkmask<>+10(SB)/2, $0x001F
DATA chunkmask<>+12(SB)/2, $0x003F
DATA chunkmask<>+14(SB)/2, $0x007F
DATA chunkmask<>+16(SB)/2, $0x00FF
DATA chunkmask<>+18(SB)/2, $0x01FF
DATA chunkmask<>+20(SB)/2, $0x03FF
DATA chunkmask<>+22(SB)/2, $0x07FF
DATA chunkmask<>+24(SB)/2, $0x0FFF
DATA chunkmask<>+26(SB)/2, $0x1FFF
DATA chunkmask<>+28(SB)/2, $0x3FFF
DATA chunkmask<>+30(SB)/2, $0x7FFF
DATA chunkmask<>+32(SB)/2, $0xFFFF
GLOBL chunkmask<>(SB), RODATA|NOPTR, $34

// func dotBlockAVX512(dst, m []float32, idx []int32, rows []float32, n, nt int)
// dst[j*nt+k] = m[idx[j]] . rows[k] for rows of n > 0 elements. Targets
// are taken four at a time (rows k..k+3 at DI, R9, R11, R14; rows holds
// whole groups of four, the ones past nt unused): for each listed row x,
// a chunk of x is loaded once for four FMAs, the four sums are reduced
// together and stored under the mask K3 of the group's real targets. A
// last chunk shorter than 16 lanes is read under K2 (masked lanes touch
// no memory); when n is whole chunks every load is unmasked. The caller
// checks every bound. Scratch: nt*4 is kept in rows_cap's slot.
TEXT ·dotBlockAVX512(SB), NOSPLIT, $0-112
	MOVQ     n+96(FP), CX
	ROWMASKS
	KORTESTW K2, K2
	JCC      xstart
	INCQ     DX     // n is whole chunks: no masked last chunk

xstart:
	SHLQ $2, CX
	MOVQ nt+104(FP), BX
	SHLQ $2, BX
	MOVQ BX, rows_cap+88(FP)
	MOVQ nt+104(FP), BX
	MOVQ rows_base+72(FP), DI

xg:
	TESTQ   BX, BX
	JLE     xdone
	MOVQ    BX, R10
	MOVQ    $4, R13
	CMPQ    R10, R13
	CMOVQGT R13, R10
	LEAQ    chunkmask<>(SB), R12
	MOVWLZX (R12)(R10*2), R10
	KMOVW   R10, K3
	LEAQ    (DI)(CX*1), R9
	LEAQ    (R9)(CX*1), R11
	LEAQ    (R11)(CX*1), R14
	MOVQ    dst_base+0(FP), R8
	MOVQ    idx_base+48(FP), R12
	MOVQ    idx_len+56(FP), R13

xj:
	TESTQ   R13, R13
	JZ      xgnext
	MOVLQSX (R12), SI
	IMULQ   CX, SI
	ADDQ    m_base+24(FP), SI
	VXORPS  Z0, Z0, Z0
	VXORPS  Z1, Z1, Z1
	VXORPS  Z2, Z2, Z2
	VXORPS  Z3, Z3, Z3
	XORQ    AX, AX
	MOVQ    DX, R10

xchunk:
	TESTQ       R10, R10
	JZ          xlast
	VMOVUPS     (SI)(AX*1), Z4
	VFMADD231PS (DI)(AX*1), Z4, Z0
	VFMADD231PS (R9)(AX*1), Z4, Z1
	VFMADD231PS (R11)(AX*1), Z4, Z2
	VFMADD231PS (R14)(AX*1), Z4, Z3
	ADDQ        $64, AX
	DECQ        R10
	JMP         xchunk

xlast:
	KORTESTW      K2, K2
	JCS           xsum
	VMOVUPS.Z     (SI)(AX*1), K2, Z4
	VFMADD231PS   (DI)(AX*1), Z4, K2, Z0
	VFMADD231PS   (R9)(AX*1), Z4, K2, Z1
	VFMADD231PS   (R11)(AX*1), Z4, K2, Z2
	VFMADD231PS   (R14)(AX*1), Z4, K2, Z3

xsum:
	VEXTRACTF64X4 $1, Z0, Y5
	VADDPS        Y5, Y0, Y0
	VEXTRACTF64X4 $1, Z1, Y5
	VADDPS        Y5, Y1, Y1
	VEXTRACTF64X4 $1, Z2, Y5
	VADDPS        Y5, Y2, Y2
	VEXTRACTF64X4 $1, Z3, Y5
	VADDPS        Y5, Y3, Y3
	VHADDPS       Y1, Y0, Y0
	VHADDPS       Y3, Y2, Y2
	VHADDPS       Y2, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPS        X1, X0, X0
	VMOVUPS       X0, K3, (R8)
	ADDQ          rows_cap+88(FP), R8
	ADDQ          $4, R12
	DECQ          R13
	JMP           xj

xgnext:
	ADDQ $16, dst_base+0(FP)
	LEAQ (R14)(CX*1), DI
	SUBQ $4, BX
	JMP  xg

xdone:
	VZEROUPPER
	RET

// func sumRowsAVX512(dst, m []float32, idx []int32)
// n = len(dst) > 0; every idx is a row of m (checked by the caller).
TEXT ·sumRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_len+8(FP), CX
	ROWMASKS
	MOVQ dst_base+0(FP), SI
	MOVQ m_base+24(FP), DI
	MOVQ idx_base+48(FP), R8
	MOVQ idx_len+56(FP), R9
	SHLQ $2, CX
	XORQ AX, AX

schunk:
	KMOVW  K1, K3
	TESTQ  DX, DX
	JNZ    sbody
	KMOVW  K2, K3

sbody:
	VXORPS Z0, Z0, Z0
	MOVQ   R8, R12
	MOVQ   R9, R13

sj:
	TESTQ     R13, R13
	JZ        sjdone
	MOVLQSX   (R12), R10
	IMULQ     CX, R10
	ADDQ      DI, R10
	VMOVUPS.Z (R10)(AX*1), K3, Z1
	VADDPS    Z1, Z0, Z0
	ADDQ      $4, R12
	DECQ      R13
	JMP       sj

sjdone:
	VMOVUPS Z0, K3, (SI)(AX*1)
	ADDQ    $64, AX
	DECQ    DX
	JGE     schunk
	VZEROUPPER
	RET

// func addRowsAVX512(m []float32, idx []int32, v []float32)
// n = len(v) > 0; every idx is a row of m (checked by the caller).
TEXT ·addRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ v_len+56(FP), CX
	ROWMASKS
	MOVQ m_base+0(FP), DI
	MOVQ idx_base+24(FP), R8
	MOVQ idx_len+32(FP), R9
	MOVQ v_base+48(FP), SI
	SHLQ $2, CX
	XORQ AX, AX

achunk:
	KMOVW K1, K3
	TESTQ DX, DX
	JNZ   abody
	KMOVW K2, K3

abody:
	VMOVUPS.Z (SI)(AX*1), K3, Z0
	MOVQ      R8, R12
	MOVQ      R9, R13

aj:
	TESTQ     R13, R13
	JZ        ajdone
	MOVLQSX   (R12), R10
	IMULQ     CX, R10
	ADDQ      DI, R10
	VMOVUPS.Z (R10)(AX*1), K3, Z1
	VADDPS    Z0, Z1, Z1
	VMOVUPS   Z1, K3, (R10)(AX*1)
	ADDQ      $4, R12
	DECQ      R13
	JMP       aj

ajdone:
	ADDQ  $64, AX
	DECQ  DX
	JGE   achunk
	VZEROUPPER
	RET

// func axpy2AVX512(a float32, x, y, e []float32)
// e += a*y (y as on entry), then y += a*x, element by element with one
// fused multiply-add each, over n = len(x) > 0 elements (len(y), len(e)
// >= n checked by the caller); the last chunk under the mask K2.
TEXT ·axpy2AVX512(SB), NOSPLIT, $0-80
	MOVQ         x_len+16(FP), CX
	ROWMASKS
	VBROADCASTSS a+0(FP), Z0
	MOVQ         x_base+8(FP), SI
	MOVQ         y_base+32(FP), DI
	MOVQ         e_base+56(FP), R8
	XORQ         AX, AX

p2chunk:
	TESTQ       DX, DX
	JZ          p2last
	VMOVUPS     (DI)(AX*1), Z1
	VMOVUPS     (R8)(AX*1), Z2
	VFMADD231PS Z1, Z0, Z2
	VFMADD231PS (SI)(AX*1), Z0, Z1
	VMOVUPS     Z2, (R8)(AX*1)
	VMOVUPS     Z1, (DI)(AX*1)
	ADDQ        $64, AX
	DECQ        DX
	JMP         p2chunk

p2last:
	VMOVUPS.Z   (DI)(AX*1), K2, Z1
	VMOVUPS.Z   (R8)(AX*1), K2, Z2
	VMOVUPS.Z   (SI)(AX*1), K2, Z3
	VFMADD231PS Z1, Z0, Z2
	VFMADD231PS Z3, Z0, Z1
	VMOVUPS     Z2, K2, (R8)(AX*1)
	VMOVUPS     Z1, K2, (DI)(AX*1)
	VZEROUPPER
	RET

// func updateRowsAVX512(x, g, rows []float32)
// One context row x against nt = len(g) target rows (contiguous, n =
// len(x) > 0 elements each; bounds checked by the caller), per element:
// s = x; for k: s += g[k]*rows[k] (rows[k] as on entry), rows[k] +=
// g[k]*x (x as on entry); x = s. A chunk of a target row is loaded once,
// used for both FMAs and stored. Only a last chunk shorter than 16 lanes
// goes under the mask K2: the next context's dotBlockAVX512 reads these
// rows, and a load that follows a masked store waits for it to reach the
// cache instead of taking its data from the store buffer.
TEXT ·updateRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ     x_len+8(FP), CX
	ROWMASKS
	KORTESTW K2, K2
	JCC      ustart
	INCQ     DX     // n is whole chunks: no masked last chunk

ustart:
	MOVQ x_base+0(FP), SI
	MOVQ g_base+24(FP), R8
	MOVQ g_len+32(FP), R9
	MOVQ rows_base+48(FP), DI
	SHLQ $2, CX
	XORQ AX, AX

uchunk:
	TESTQ   DX, DX
	JZ      ulast
	VMOVUPS (SI)(AX*1), Z0
	VMOVAPS Z0, Z1
	MOVQ    R8, R12
	MOVQ    R9, R13
	LEAQ    (DI)(AX*1), R14

uk:
	TESTQ        R13, R13
	JZ           ukdone
	VBROADCASTSS (R12), Z2
	VMOVUPS      (R14), Z3
	VFMADD231PS  Z3, Z2, Z1
	VFMADD231PS  Z0, Z2, Z3
	VMOVUPS      Z3, (R14)
	ADDQ         $4, R12
	ADDQ         CX, R14
	DECQ         R13
	JMP          uk

ukdone:
	VMOVUPS Z1, (SI)(AX*1)
	ADDQ    $64, AX
	DECQ    DX
	JMP     uchunk

ulast:
	KORTESTW  K2, K2
	JCS       udone
	VMOVUPS.Z (SI)(AX*1), K2, Z0
	VMOVAPS   Z0, Z1
	MOVQ      R8, R12
	MOVQ      R9, R13
	LEAQ      (DI)(AX*1), R14

ulk:
	TESTQ        R13, R13
	JZ           ulkdone
	VBROADCASTSS (R12), Z2
	VMOVUPS.Z    (R14), K2, Z3
	VFMADD231PS  Z3, Z2, Z1
	VFMADD231PS  Z0, Z2, Z3
	VMOVUPS      Z3, K2, (R14)
	ADDQ         $4, R12
	ADDQ         CX, R14
	DECQ         R13
	JMP          ulk

ulkdone:
	VMOVUPS Z1, K2, (SI)(AX*1)

udone:
	VZEROUPPER
	RET

// func writeBackAVX512(shared, cur, snap []float32)
// writeBackRef over n = len(shared) > 0 elements (len(cur), len(snap) >= n
// checked by the caller): per lane, x = cur, or shared + (cur - snap) where
// shared != snap (unordered compare: a NaN on either side counts as
// changed, as Go's != does); x is stored to all three. The last chunk
// under the mask K2.
TEXT ·writeBackAVX512(SB), NOSPLIT, $0-72
	MOVQ shared_len+8(FP), CX
	ROWMASKS
	MOVQ shared_base+0(FP), DI
	MOVQ cur_base+24(FP), SI
	MOVQ snap_base+48(FP), R8
	XORQ AX, AX

wchunk:
	KMOVW K1, K3
	TESTQ DX, DX
	JNZ   wbody
	KMOVW K2, K3

wbody:
	VMOVUPS.Z (DI)(AX*1), K3, Z0
	VMOVUPS.Z (SI)(AX*1), K3, Z1
	VMOVUPS.Z (R8)(AX*1), K3, Z2
	VCMPPS    $4, Z2, Z0, K3, K4
	VSUBPS    Z2, Z1, Z3
	VADDPS    Z3, Z0, K4, Z1
	VMOVUPS   Z1, K3, (DI)(AX*1)
	VMOVUPS   Z1, K3, (SI)(AX*1)
	VMOVUPS   Z1, K3, (R8)(AX*1)
	ADDQ      $64, AX
	DECQ      DX
	JGE       wchunk
	VZEROUPPER
	RET

// func sgPairAVX512(x, e []float32, rows []*float32, alpha float32, loss *float64)
// One Skip-Gram pair as sgPairRef computes it, bit for bit: the input row x
// (n = len(x) elements, a positive multiple of 16, as are e and every row)
// against the target rows in order, the first with label 1 and the rest
// with label 0. Per target: the logit is dotAVX2's sum in its order (Z0's
// lanes 0-7 and 8-15 are its Y0 and Y1), the loss and step are
// logistic's (tables sigTable and logSigTable, constants sgConst), and the
// updates are axpy2's fused multiply-adds; e (cleared first) gathers the
// input gradient, added to x at the end.
//
// Rows are whole 16-lane chunks (padded rows, rowStride), read and
// written in the same chunks and never under a mask: a load then finds
// the store it follows (the next pair's observed word is this pair's) of
// the same address and width in the store buffer, where a load after a
// masked store waits for that store to reach the cache.
//
// Registers: SI x, R8 e, DI the target row, R9 n, R11 the next row
// pointer, R12 the rows left, R13 logSigTable, R14 sigTable; X9 maxExp, X10
// -maxExp, X11 expScale, X12 the label, X13 alpha, X14 the loss, X15 the
// sign flipped to turn the logit into z (0 for the first target).
TEXT ·sgPairAVX512(SB), NOSPLIT, $0-88
	SGARGS

	// e = 0
	VXORPS Y0, Y0, Y0
	XORQ   AX, AX

szero:
	VMOVUPS Z0, (R8)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, R9
	JLT     szero

starget:
	TESTQ  R12, R12
	JZ     sdone
	MOVQ   (R11), DI
	VXORPS Y0, Y0, Y0
	XORQ   AX, AX

sdot:
	VMOVUPS     (SI)(AX*4), Z2
	VFMADD231PS (DI)(AX*4), Z2, Z0
	ADDQ        $16, AX
	CMPQ        AX, R9
	JLT         sdot
	SGLOGIT

	// e += g·y; y += g·x
	VBROADCASTSS X3, Z3
	XORQ         AX, AX

sup:
	VMOVUPS     (DI)(AX*4), Z1
	VMOVUPS     (R8)(AX*4), Z2
	VFMADD231PS Z1, Z3, Z2
	VFMADD231PS (SI)(AX*4), Z3, Z1
	VMOVUPS     Z2, (R8)(AX*4)
	VMOVUPS     Z1, (DI)(AX*4)
	ADDQ        $16, AX
	CMPQ        AX, R9
	JLT         sup

	SGNEXT(starget)

sdone:
	// x += e (axpy(1, e, x): fma(1, e, x) rounds as e + x does).
	XORQ AX, AX

sadd:
	VMOVUPS (SI)(AX*4), Z0
	VADDPS  (R8)(AX*4), Z0, Z0
	VMOVUPS Z0, (SI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, R9
	JLT     sadd
	TESTQ   R10, R10
	JZ      sret
	VMOVSD  X14, (R10)

sret:
	VZEROUPPER
	RET

// func sgPairRegAVX512(x, e []float32, rows []*float32, alpha float32, loss *float64)
// sgPairAVX512 for rows of at most 128 elements (8 chunks): x and e stay
// in registers (Z16-Z23 and Z24-Z31) for the whole pair, so a target
// costs its row's loads and stores only. The same operations in the same
// order as sgPairAVX512, so the same bits; e is stored at the end as
// sgPairAVX512 leaves it. The chunk count is n/16: each unrolled piece
// checks it, a branch that goes the same way for every pair of a run.
TEXT ·sgPairRegAVX512(SB), NOSPLIT, $0-88
	SGARGS

	// x into Z16.., e = 0 in Z24..
	VMOVUPS 0(SI), Z16; RWHOLE(16, rxdone)
	VMOVUPS 64(SI), Z17; RWHOLE(32, rxdone)
	VMOVUPS 128(SI), Z18; RWHOLE(48, rxdone)
	VMOVUPS 192(SI), Z19; RWHOLE(64, rxdone)
	VMOVUPS 256(SI), Z20; RWHOLE(80, rxdone)
	VMOVUPS 320(SI), Z21; RWHOLE(96, rxdone)
	VMOVUPS 384(SI), Z22; RWHOLE(112, rxdone)
	VMOVUPS 448(SI), Z23

rxdone:
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	VPXORD Z28, Z28, Z28
	VPXORD Z29, Z29, Z29
	VPXORD Z30, Z30, Z30
	VPXORD Z31, Z31, Z31

rtarget:
	TESTQ  R12, R12
	JZ     rdone
	MOVQ   (R11), DI
	VXORPS Y0, Y0, Y0
	VFMADD231PS 0(DI), Z16, Z0; RWHOLE(16, rdotdone)
	VFMADD231PS 64(DI), Z17, Z0; RWHOLE(32, rdotdone)
	VFMADD231PS 128(DI), Z18, Z0; RWHOLE(48, rdotdone)
	VFMADD231PS 192(DI), Z19, Z0; RWHOLE(64, rdotdone)
	VFMADD231PS 256(DI), Z20, Z0; RWHOLE(80, rdotdone)
	VFMADD231PS 320(DI), Z21, Z0; RWHOLE(96, rdotdone)
	VFMADD231PS 384(DI), Z22, Z0; RWHOLE(112, rdotdone)
	VFMADD231PS 448(DI), Z23, Z0

rdotdone:
	SGLOGIT

	// e += g·y; y += g·x
	VBROADCASTSS X3, Z3
	RUPDATE(0, Z16, Z24, Z1); RWHOLE(16, rnext)
	RUPDATE(64, Z17, Z25, Z2); RWHOLE(32, rnext)
	RUPDATE(128, Z18, Z26, Z4); RWHOLE(48, rnext)
	RUPDATE(192, Z19, Z27, Z5); RWHOLE(64, rnext)
	RUPDATE(256, Z20, Z28, Z6); RWHOLE(80, rnext)
	RUPDATE(320, Z21, Z29, Z7); RWHOLE(96, rnext)
	RUPDATE(384, Z22, Z30, Z8); RWHOLE(112, rnext)
	RUPDATE(448, Z23, Z31, Z1)

rnext:
	SGNEXT(rtarget)

rdone:
	// x += e (as sgPairAVX512's sadd: x + e); e stored as it ends.
	RFINISH(0, Z16, Z24); RWHOLE(16, rstored)
	RFINISH(64, Z17, Z25); RWHOLE(32, rstored)
	RFINISH(128, Z18, Z26); RWHOLE(48, rstored)
	RFINISH(192, Z19, Z27); RWHOLE(64, rstored)
	RFINISH(256, Z20, Z28); RWHOLE(80, rstored)
	RFINISH(320, Z21, Z29); RWHOLE(96, rstored)
	RFINISH(384, Z22, Z30); RWHOLE(112, rstored)
	RFINISH(448, Z23, Z31)

rstored:
	TESTQ   R10, R10
	JZ      rret
	VMOVSD  X14, (R10)

rret:
	VZEROUPPER
	RET
