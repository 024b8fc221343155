package org.gunyah.vmm.managed.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.FunctionFields;
import org.gunyah.vmm.managed.Numbers;
import org.gunyah.vmm.managed.VmDeclaration;

/**
 * What people type or write into configurations: numbers in any base, sizes, key=value function
 * fields and whole VM declarations. Whatever the text, the parsers either read it or refuse it
 * with EINVAL (EOVERFLOW for a RAM range that wraps); nothing else ever escapes. The corpus under
 * src/test/resources runs as plain tests in every build; JAZZER_FUZZ=1 fuzzes (see README).
 */
class DeclarationFuzzTest {
    private static final Set<Errno> DOCUMENTED = Set.of(Errno.EINVAL, Errno.EOVERFLOW);
    private static final List<String> KEYS = List.of(
            "name",
            "hypervisor",
            "memory",
            "image",
            "vcpus",
            "irqfds",
            "ioeventfds",
            "devices",
            "service.pid",
            "other");

    private static void refusedOnlyAsDocumented(GunyahException e) {
        assertTrue(DOCUMENTED.contains(e.errno()), e.getMessage());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @FuzzTest
    void numbersAndSizesAreReadOrRefusedWithEinval(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        for (Parse p : List.<Parse>of(
                () -> Numbers.parse("n", text),
                () -> Numbers.parseU32("n", text),
                () -> Numbers.parseSize("n", text),
                () -> Numbers.parseBoolean("b", text))) {
            try {
                p.run();
            } catch (GunyahException e) {
                refusedOnlyAsDocumented(e);
            }
        }
    }

    @FuzzTest
    void functionFieldsAreReadOrRefusedWithEinval(FuzzedDataProvider data) {
        int type = data.pickValue(new int[] {FunctionType.VCPU, FunctionType.IRQFD, FunctionType.IOEVENTFD, 0x100, -1});
        List<String> words = List.of(data.consumeRemainingAsString().split(" ", -1));
        try {
            FunctionFields f = FunctionFields.parse(type, words);
            f.desc(3);
            f.describe();
        } catch (GunyahException e) {
            refusedOnlyAsDocumented(e);
        }
    }

    @FuzzTest
    void declarationsAreReadOrRefusedAsDocumented(FuzzedDataProvider data) {
        Map<String, Object> properties = new HashMap<>();
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            String key = data.pickValue(KEYS);
            properties.put(
                    key,
                    data.consumeBoolean()
                            ? data.consumeString(64)
                            : new String[] {data.consumeString(32), data.consumeString(32)});
        }
        try {
            VmDeclaration d = VmDeclaration.parse(properties, Path.of("/opt/gunyah"));
            d.spec().validate();
        } catch (GunyahException e) {
            refusedOnlyAsDocumented(e);
        }
    }

    private interface Parse {
        void run() throws GunyahException;
    }
}
