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
                || base.matches("cpyf?[pme](wn|rn|n|wt|rt|t|wtwn|wtrn|wtn|rtwn|rtrn|rtn|twn|trn|tn)?")
                || base.matches("setg?[pme](n|t|tn)?");
    }
}
