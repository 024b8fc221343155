package org.gunyah.vmm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    private static final CommandLine.Usage CREATE = VmCommands.USAGES.getFirst();

    @Test
    void optionsTakeTheirValueFromTheNextWordOrAfterEquals() throws GunyahException {
        CommandLine line = CommandLine.parse(CREATE, List.of("--memory", "1M", "vm1", "--hypervisor=emulated"));

        assertEquals(List.of("vm1"), line.positional());
        assertEquals(Optional.of("1M"), line.option("memory"));
        assertEquals(Optional.of("emulated"), line.option("hypervisor"));
    }

    @Test
    void doubleDashEndsTheOptions() throws GunyahException {
        assertEquals(
                List.of("--odd"),
                CommandLine.parse(CREATE, List.of("--", "--odd")).positional());
    }

    @Test
    void anUnknownOptionIsEinvalWithTheUsage() {
        GunyahException e =
                assertThrows(GunyahException.class, () -> CommandLine.parse(CREATE, List.of("vm1", "--cpus", "2")));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("gunyah:vm-create <name>"), e.getMessage());
    }

    @Test
    void aMissingValueIsEinval() {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> CommandLine.parse(CREATE, List.of("vm1", "--memory")))
                        .errno());
    }

    @Test
    void tooFewOrTooManyArgumentsAreEinval() {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> CommandLine.parse(CREATE, List.of()))
                        .errno());
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> CommandLine.parse(CREATE, List.of("a", "b")))
                        .errno());
    }

    @Test
    void anOptionGivenTwiceIsEinval() {
        assertEquals(
                Errno.EINVAL,
                assertThrows(
                                GunyahException.class,
                                () -> CommandLine.parse(CREATE, List.of("vm1", "--memory", "1M", "--memory", "2M")))
                        .errno());
    }
}
