/**
 * An interpreter for a subset of AArch64 (A64) at EL1, enough for real test guests:
 * MOVZ/MOVN/MOVK; ADD/SUB(S) immediate, shifted and extended register; AND/ORR/EOR/ANDS/BIC/ORN/EON
 * with shifted registers and bitmask immediates; UBFM/SBFM/BFM and EXTR (so LSL/LSR/ASR/ROR, UXT*,
 * SXT*, UBFX/SBFX/BFI); LSLV/LSRV/ASRV/RORV; MADD/MSUB/SMULH/UMULH, UDIV/SDIV (division by zero
 * gives 0); CSEL/CSINC/CSINV/CSNEG; CCMP/CCMN; CLZ/RBIT/REV*; ADR/ADRP; B, BL, B.cond, CBZ/CBNZ,
 * TBZ/TBNZ, BR, BLR, RET, ERET; the loads and stores of general-purpose registers (see below);
 * HVC; WFI (WFE is a NOP); NOP/YIELD and barriers; MRS/MSR of
 * VBAR/ELR/SPSR/ESR/FAR/TPIDR/SCTLR_EL1, TPIDR_EL0, MPIDR_EL1 (Aff0 = vCPU index), CurrentEL,
 * DAIF, NZCV, SPSel, SP_EL0, CNTVCT_EL0 (instructions retired) and the GIC's ICC_IAR1_EL1 and
 * ICC_EOIR1_EL1; MSR DAIFSet/DAIFClr/SPSel.
 *
 * <p>A load or store outside RAM is an MMIO exit; LDP/STP and LDADD outside RAM crash the guest.
 * An IRQ is taken through VBAR_EL1 + 0x280 (0x080 from EL1t) when one is pending and PSTATE.I is
 * clear. Anything else (SIMD, SVC, BRK, unknown system registers) is a crash of the
 * guest, never an exception of the host.
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
 */
package org.gunyah.vmm.hypervisor.emulated.cpu;
