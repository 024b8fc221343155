package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The system properties that set the translator, as the vCPU reads them. */
class TranslationSettingsTest {
    @Test
    void onTranslatesCodeReachedMoreThanTheThreshold() {
        assertEquals(500, TranslatedCode.of("on", "500").threshold);
    }

    @Test
    void offInterpretsOnly() {
        assertNull(TranslatedCode.of("off", "500"));
    }

    @Test
    void anythingButOnOrOffIsRefusedNamingTheProperty() {
        var e = assertThrows(IllegalArgumentException.class, () -> TranslatedCode.of("yes", "500"));
        assertEquals("gunyah.emulated.translate is on or off, not yes", e.getMessage());
    }

    @Test
    void aThresholdThatIsNotANumberIsRefusedNamingTheProperty() {
        var e = assertThrows(IllegalArgumentException.class, () -> TranslatedCode.of("on", "many"));
        assertEquals("gunyah.emulated.translate.threshold is a number of executions, not many", e.getMessage());
    }

    @Test
    void aNegativeThresholdIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> TranslatedCode.of("on", "-1"));
        assertEquals("gunyah.emulated.translate.threshold is 0 or more, not -1", e.getMessage());
    }

    @Test
    void loopsRunInlineAfterTheInstructionsTheInlinePropertySays() {
        assertEquals(1000, TranslatedCode.of("on", "500", "1000").inlineAfter);
    }

    @Test
    void loopsRunInlineAfterTwentyMillionInstructionsByDefault() {
        assertEquals(20_000_000, TranslatedCode.of("on", "500", null).inlineAfter);
    }

    @Test
    void withThresholdZeroLoopsRunInlineAtOnce() {
        assertEquals(0, TranslatedCode.of("on", "0", null).inlineAfter);
    }

    @Test
    void anInlineCountThatIsNotANumberIsRefusedNamingTheProperty() {
        var e = assertThrows(IllegalArgumentException.class, () -> TranslatedCode.of("on", "500", "soon"));
        assertEquals(
                "gunyah.emulated.translate.inline is a number of instructions, 0 or more, not soon", e.getMessage());
    }
}
