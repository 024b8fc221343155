package org.gunyah.vmm.tools.a64asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of bad source gets a message with its line and the reason. */
class AssemblerErrorTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "nop\\nfrobnicate x0              | 2 | unknown or unsupported mnemonic 'frobnicate'",
                "add x0, x1, #5000            | 1 | add/sub immediate 5000",
                "and x0, x1, #5               | 1 | is not encodable as a bitmask immediate",
                "b nowhere                    | 1 | undefined symbol 'nowhere'",
                "ldr x0, [x1, #3]!\\n"
                        + "ldr x0, [x1, #4097]  | 2 | neither a scaled unsigned 12-bit nor a signed 9-bit offset",
                "b.xx 0                       | 1 | unknown condition 'xx'",
                "mov x0, #0x123456789         | 1 | cannot be moved in one instruction",
                "a:\\na:                       | 2 | symbol 'a' is already defined",
                "cbz x0, far\\n.space 0x200000\\nfar: | 1 | branch offset",
                "mrs x0, bogus_el1            | 1 | unknown system register 'bogus_el1'",
                ".byte 300                    | 1 | does not fit in 1 bytes",
                ".balign 3                    | 1 | is not a power of two",
            })
    void badSourceIsReportedWithItsLineAndReason(String source, int line, String reason) {
        AssemblyException e =
                assertThrows(AssemblyException.class, () -> A64Assembler.assemble(source.replace("\\n", "\n"), 0));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
