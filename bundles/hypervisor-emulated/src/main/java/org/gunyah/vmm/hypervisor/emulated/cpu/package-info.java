/**
 * An interpreter for a subset of AArch64 (A64) at EL1, enough for real test guests:
 * MOVZ/MOVN/MOVK; ADD/SUB(S) immediate, shifted and extended register; AND/ORR/EOR/ANDS/BIC/ORN/EON
 * with shifted registers and bitmask immediates; UBFM/SBFM/BFM and EXTR (so LSL/LSR/ASR/ROR, UXT*,
 * SXT*, UBFX/SBFX/BFI); LSLV/LSRV/ASRV/RORV; MADD/MSUB/SMULH/UMULH, UDIV/SDIV (division by zero
 * gives 0); CSEL/CSINC/CSINV/CSNEG; CCMP/CCMN; CLZ/RBIT/REV*; ADR/ADRP; B, BL, B.cond, CBZ/CBNZ,
 * TBZ/TBNZ, BR, BLR, RET, ERET; loads and stores of 1/2/4/8 bytes (literal, unsigned offset,
 * unscaled, pre/post-index, register offset) with sign extension; LDP/STP/LDPSW; LDADD (LSE, 4/8
 * bytes, truly atomic across vCPUs); HVC; WFI (WFE is a NOP); NOP/YIELD and barriers; MRS/MSR of
 * VBAR/ELR/SPSR/ESR/FAR/TPIDR/SCTLR_EL1, TPIDR_EL0, MPIDR_EL1 (Aff0 = vCPU index), CurrentEL,
 * DAIF, NZCV, SPSel, SP_EL0, CNTVCT_EL0 (instructions retired) and the GIC's ICC_IAR1_EL1 and
 * ICC_EOIR1_EL1; MSR DAIFSet/DAIFClr/SPSel.
 *
 * <p>A load or store outside RAM is an MMIO exit; LDP/STP and LDADD outside RAM crash the guest.
 * An IRQ is taken through VBAR_EL1 + 0x280 (0x080 from EL1t) when one is pending and PSTATE.I is
 * clear. Anything else (SIMD, SVC, BRK, exclusives, unknown system registers) is a crash of the
 * guest, never an exception of the host.
 */
package org.gunyah.vmm.hypervisor.emulated.cpu;
