package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

class ModeTest {
    @Test
    void noArgumentsIsTheConsole() {
        assertInstanceOf(Mode.Interactive.class, Mode.parse());
    }

    @Test
    void dashCRunsItsArgumentAsAScript() {
        assertEquals(new Mode.Script("gunyah:vms; lb"), Mode.parse("-c", "gunyah:vms; lb"));
    }

    @Test
    void demoIsTheDemoCommandWithItsHypervisorQuoted() {
        assertEquals(new Mode.Script("gunyah:demo"), Mode.parse("demo"));
        assertEquals(new Mode.Script("gunyah:demo --hypervisor 'kvm'"), Mode.parse("demo", "--hypervisor", "kvm"));
    }

    @Test
    void anythingElseIsAUsageProblem() {
        assertInstanceOf(Mode.Usage.class, Mode.parse("start"));
        assertInstanceOf(Mode.Usage.class, Mode.parse("-c"));
        assertInstanceOf(Mode.Usage.class, Mode.parse("demo", "--fast"));
        assertEquals(new Mode.Usage(null), Mode.parse("--help"));
    }
}
