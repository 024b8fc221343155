/**
 * An interpreter of the A64 instruction set at EL1: ARMv8.0-A with CRC32 and the v8.1 LSE atomics,
 * floating point and Advanced SIMD, by the Arm ARM's encoding classes, one class each (the
 * paragraphs below). What the ID registers do not advertise (SVE, SME, MTE, pointer authentication
 * outside the HINT space, FP16, crypto, and the other later extensions) is UNDEFINED, as on a CPU
 * without it. Proven against real code and QEMU: DecoderCoverageTest decodes Debian's arm64
 * kernel and busybox; the conformance module runs a C corpus and random instruction sequences on
 * this interpreter and under qemu-aarch64 and compares the results.
 *
 * <p>Branches and system ({@link BranchSystem}, {@link SystemRegisters}, {@link IdRegisters},
 * {@link CacheAndTlb}): B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET, ERET; HVC (the guest's
 * calls, see the rm package); the HINT space (WFI waits, every other hint, WFE and the PAC/BTI
 * hints included, is a NOP); barriers and CLREX; MSR DAIFSet/DAIFClr/SPSel; MRS/MSR of the EL1
 * registers, the ID registers, cache geometry, FPCR/FPSR, the OS lock and two breakpoints and
 * watchpoints (which store but never fire); DC/TLBI of EL1, IC (which drops translated code), DC ZVA, AT. SVC, SMC, BRK
 * and HLT stop the VM naming themselves until exceptions are taken (the Linux platform); the
 * generic timer's registers (CRn 14) are the timer package's; most of the GIC CPU interface's are
 * still missing.
 *
 * <p>Data processing, immediate ({@link DataImmediate}) and register ({@link DataRegister},
 * {@link DataSources}): all of ARMv8.0-A's, plus CRC32: ADR/ADRP; ADD/SUB(S) immediate; AND/ORR/
 * EOR/ANDS immediate; MOVN/MOVZ/MOVK; SBFM/BFM/UBFM; EXTR; AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS and
 * ADD/SUB(S) shifted register; ADD/SUB(S) extended register; ADC/ADCS/SBC/SBCS; CCMN/CCMP register
 * and immediate; CSEL/CSINC/CSINV/CSNEG; RBIT/REV16/REV32/REV/CLZ/CLS; UDIV/SDIV, LSLV/LSRV/ASRV/
 * RORV, CRC32B/H/W/X and CRC32CB/H/W/X; MADD/MSUB, SMADDL/SMSUBL/UMADDL/UMSUBL, SMULH/UMULH.
 * Later extensions in these groups (MTE's ADDG/SUBG/IRG/GMI/SUBP; v8.3's PACIA, AUTIA, XPACI and
 * the rest of their kind, PACGA; v8.4's RMIF/SETF8/SETF16) are UNDEFINED, as is every reserved
 * encoding. DataProcessingTest specifies the instructions one by one.
 *
 * <p>An IRQ is taken through VBAR_EL1 + 0x280 (0x080 from EL1t) when one is pending and PSTATE.I is
 * clear. Anything else (SVC, BRK, an unknown system register, an undefined encoding) is a crash
 * of the guest, never an exception of the host.
 *
 * <p>Loads and stores of general-purpose registers, complete for ARMv8.0-A plus the v8.1 LSE
 * atomics, by the Arm ARM's encoding classes: load register (literal) LDR/LDRSW/PRFM; load/store
 * register with unsigned offset, unscaled (LDUR*, STUR*, PRFUM), pre- and post-index, unprivileged
 * (LDTR*, STTR*: ordinary accesses until there is an MMU) and register offset with every extend
 * and shift, in every size, LDRS{B,H,W} to W and X, PRFM and PRFUM as no-ops ({@code
 * LoadStore}); LDP/STP of W and X, LDPSW, LDNP/STNP ({@code LoadStorePair}); LDXR/LDAXR/STXR/
 * STLXR of B, H, W, X, LDXP/LDAXP/STXP/STLXP, LDAR/STLR of every size, CAS* and CASP* ({@code
 * Exclusives}, with an exclusive monitor that holds across vCPU threads); LDADD, LDCLR, LDEOR,
 * LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN, SWP of every size and ordering and their ST* aliases
 * ({@code Atomics}). Unallocated size/opc combinations, LDAPR (v8.3), LDLAR/STLLR (LOR), LDRAA/
 * LDRAB (PAC) and MTE's STGP are undefined. A plain load or store (or LDAR/STLR) outside RAM is an
 * MMIO exit; a pair, exclusive or atomic outside RAM, and a misaligned exclusive or atomic, crash
 * the guest with the reason.
 *
 * <p>Floating point and Advanced SIMD (FpSimd decodes the Arm ARM's encoding classes, one class
 * each): SIMD&amp;FP loads and stores (SimdLoadStore: LDR/STR of B/H/S/D/Q in every addressing
 * mode, LDR literal, LDP/STP/LDNP/STNP; SimdStructures: LD1-LD4/ST1-ST4 of multiple structures
 * and of one lane, LD1R-LD4R, with post-index), the whole access in RAM or a crash (MMIO through
 * SIMD registers is not supported); FPCR/FPSR (FpControl, for MRS/MSR); the integer vector forms:
 * modified immediate (MOVI/MVNI/ORR/BIC/FMOV), copy (DUP/INS/UMOV/SMOV), three same (logical,
 * ADD/SUB, compares, halving, saturating add/sub, shifts by register, max/min, ABD/ABA, MLA/MLS,
 * MUL/PMUL, pairwise ADDP/MAXP/MINP), two-register misc (REV*, xADDLP/xADALP, CLS/CLZ/CNT/NOT/
 * RBIT, compares with zero, ABS/NEG/SQABS/SQNEG, SUQADD/USQADD, XTN/SQXTN/UQXTN/SQXTUN, SHLL),
 * across lanes (ADDV, xADDLV, xMAXV, xMINV), shift by immediate (SSHR/USHR/SSRA/USRA/SRSHR/
 * URSHR/SRSRA/URSRA/SRI/SHL/SLI/SHRN/RSHRN/SSHLL/USHLL, fixed-point SCVTF/UCVTF/FCVTZS/FCVTZU),
 * permute (UZP/TRN/ZIP), EXT, TBL/TBX;
 * FMOV between general and FP registers (also the top half of a Q); scalar floating point of
 * single and double precision (FpScalar, FpArith, FpConvert): FMOV, FABS, FNEG, FSQRT, FADD,
 * FSUB, FMUL, FDIV, FNMUL, FMAX/FMIN/FMAXNM/FMINNM, fused FMADD/FMSUB/FNMADD/FNMSUB, FCMP/FCMPE,
 * FCCMP/FCCMPE, FCSEL, FMOV (immediate), SCVTF/UCVTF and FCVT[NPMZA][SU] (W/X, also fixed point),
 * FCVT between H/S/D (with FPCR.AHP), FRINTN/P/M/Z/A/X/I; every rounding mode, FZ, DN, NaN
 * propagation and the cumulative flags IOC/DZC/OFC/UFC/IXC/IDC (and QC for the saturating
 * integer operations) as qemu-aarch64's Cortex-A57 computes them; the vector floating-point
 * forms (SimdFloat: arithmetic, FMLA/FMLS, compares, pairwise, FRINT*, conversions, FCVTN/FCVTL,
 * FABS/FNEG/FSQRT, FMAXV & co); the Advanced SIMD scalar forms (SimdScalar: DUP, ADDP and the FP
 * pairwise, the one-lane three same, three different, two-register misc, shifts and by element);
 * three different (the long, wide and narrowing-high forms, SMULL/UMULL, SMLAL/UMLAL, PMULL of
 * bytes, SQDMULL/SQDMLAL/SQDMLSL); by element (SimdByElement: MUL, MLA, MLS, xMULL, xMLAL, xMLSL,
 * SQDMULL, SQDMLAL, SQDMLSL, SQDMULH, SQRDMULH, FMUL, FMULX, FMLA, FMLS, vector and scalar). The
 * saturating integer operations (SimdSaturating, setting FPSR.QC): SQDMULH/SQRDMULH, SQDMULL &amp;
 * co, SQSHL/UQSHL/SQRSHL/UQRSHL by register, SQSHL/UQSHL/SQSHLU by immediate, the narrows
 * SQSHRN/UQSHRN/SQRSHRN/UQRSHRN/SQSHRUN/SQRSHRUN and SQXTN/UQXTN/SQXTUN, vector and scalar. The
 * Newton-Raphson family (FpEstimates): FRECPE, FRSQRTE, URECPE, URSQRTE with the Arm ARM's
 * estimate tables bit for bit, the fused steps FRECPS and FRSQRTS, FRECPX, FMULX, and FCVTXN
 * (round to odd). SimdReferenceTest compares every class, and random encodings of the whole
 * Advanced SIMD space, with qemu-aarch64's Cortex-A57. Crypto (AES, SHA, PMULL of doublewords),
 * FP16 and the v8.1 rounding doubling multiply-accumulates (SQRDMLAH/SQRDMLSH) are not advertised
 * and stay undefined.
 */
package org.gunyah.vmm.hypervisor.emulated.cpu;
