package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.util.Set;

/**
 * The instructions of extensions our ID registers do not advertise, which software only runs
 * after finding them there (glibc and the kernel check the HWCAPs and ID registers): they are
 * UNDEFINED here, as on a CPU without them, and the coverage test allows them; so are the
 * maintenance instructions of EL2 and EL3, which a guest at EL1 cannot execute.
 */
final class NotAdvertised {
    private NotAdvertised() {}

    /** MTE (v8.5), MOPS (v8.8), and the v8.3+ pointer authentication outside the HINT space. */
    private static final Set<String> MNEMONICS = Set.of(
            // MTE
            "irg",
            "gmi",
            "subp",
            "subps",
            "addg",
            "subg",
            "ldg",
            "stg",
            "stzg",
            "st2g",
            "stz2g",
            "stgp",
            "ldgm",
            "stgm",
            "stzgm",
            // PSTATE fields of extensions we do not advertise: v8.1 PAN, v8.2 UAO, v8.4 DIT, SSBS, MTE's TCO
            "msr pan",
            "msr uao",
            "msr dit",
            "msr ssbs",
            "msr tco",
            // MTE's tag cache operations, v8.2 DPB/DPB2 persistence points, v8.7 WFxT, v8.1 LOR
            "dc gva",
            "dc gzva",
            "dc cvap",
            "dc cvadp",
            "wfet",
            "wfit",
            "ldlar",
            "ldlarb",
            "ldlarh",
            "stllr",
            "stllrb",
            "stllrh",
            // SMC: there is no EL3 to call, so it is UNDEFINED (the kernel's SMCCC conduit is the DT's "hvc")
            "smc",
            // MOPS
            "cpyp",
            "cpym",
            "cpye",
            "cpyfp",
            "cpyfm",
            "cpyfe",
            "setp",
            "setm",
            "sete",
            "setgp",
            "setgm",
            "setge");

    /**
     * The key the coverage report files a rejected word under: its mnemonic, prefixed with "sve " or
     * "sme " for those encoding spaces (op0 = 0010; op0 = 0000 with bit 31 set), whose mnemonics
     * objdump shares with the base instruction set.
     */
    static String key(int word, String mnemonic, String operands) {
        int op0 = (word >>> 25) & 0xf;
        if (op0 == 0b0010) {
            return "sve " + mnemonic;
        }
        if (op0 == 0 && word < 0) {
            return "sme " + mnemonic;
        }
        if (SYSTEM.contains(mnemonic)) {
            // system instructions are told apart by what they name: "msr pan", "dc civac", "mrs id_aa64isar0_el1"
            String target =
                    mnemonic.equals("mrs") ? operands.replaceAll("^[^,]*,\\s*", "") : operands.split("[,\\s]+", 2)[0];
            return mnemonic + " " + target.toLowerCase();
        }
        return mnemonic;
    }

    private static final Set<String> SYSTEM = Set.of("msr", "mrs", "sys", "sysl", "dc", "ic", "at", "tlbi", "hint");

    static boolean mnemonic(String key) {
        if (key.startsWith("sve ") || key.startsWith("sme ")) {
            return true;
        }
        String base = key.replaceAll("\\..*", "");
        return MNEMONICS.contains(base)
                // v8.4 TLB range maintenance; EL2 and EL3 TLB maintenance, UNDEFINED at EL1 where our guests run
                || base.matches("tlbi (r.*|.*e[23].*|ipas2.*|vmalls12e1.*|alle1.*)")
                || (base.startsWith("mrs ") || base.startsWith("msr ")) && register(base.substring(4))
                || base.matches("cpyf?[pme](wn|rn|n|wt|rt|t|wtwn|wtrn|wtn|rtwn|rtrn|rtn|twn|trn|tn)?")
                || base.matches("setg?[pme](n|t|tn)?");
    }

    /**
     * System registers a guest at EL1 cannot access on our vCPU: those of EL2 and EL3 and their EL1
     * aliases under VHE (_el12, _el02), AArch32 EL2 state, and those of features we do not implement
     * or advertise: PMU, AMU, SPE, trace, RAS, SVE, SME, MTE, pointer authentication, LOR, RNG,
     * enhanced counter virtualisation, fine-grained traps, and IMPLEMENTATION DEFINED registers;
     * the breakpoint and watchpoint registers beyond the two of each ID_AA64DFR0_EL1 declares; and
     * the GIC's active-priority registers ICC_AP0R1-3/AP1R1-3, which exist only with 6 or more
     * priority bits (ours has 5, as ICC_CTLR_EL1.PRIbits says; Linux reads that before it uses them).
     */
    private static boolean register(String name) {
        return name.matches("dbg[bw][cv]r([2-9]|1[0-5])_el1")
                || name.matches("icc_ap[01]r[1-3]_el1")
                || name.matches(
                        ".*_el[23]|.*_el[01]2|ich_.*|(dacr|ifsr|fpexc|dbgvcr)32_el2|spsr_(abt|fiq|irq|und)|sp_el1")
                || name.matches(
                        "pm.*|amev.*|amcr.*|amcg.*|amcnten.*|amuserenr.*|trb.*|trf.*|zcr_.*|smcr_.*|smprimap_.*|smidr_.*")
                || name.matches("gcr_el1|rgsr_el1|tfsr.*|gmid_el1|ap[di][ab]key.*|apgakey.*|lor.*|rndr|rndrrs")
                || name.matches("(v)?disr_el1|erx.*|err.*|cntpctss_el0|cntvctss_el0|hcrx_.*|hfg.*|hdfg.*|haf.*|s3_.*");
    }
}
