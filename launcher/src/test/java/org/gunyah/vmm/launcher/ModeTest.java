package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void commandScriptsStartTheWebConsoleAndVmRunsDoNot() {
        assertTrue(((Mode.Script) Mode.parse("-c", "gunyah:webconsole-password x")).webConsole());
        assertFalse(((Mode.Script) Mode.parse("demo")).webConsole());
    }

    @Test
    void demoIsTheDemoCommandWithItsHypervisorQuoted() {
        assertEquals(new Mode.Script("gunyah:demo", false), Mode.parse("demo"));
        assertEquals(
                new Mode.Script("gunyah:demo --hypervisor 'kvm'", false), Mode.parse("demo", "--hypervisor", "kvm"));
    }

    @Test
    void runIsTheRuntimeWithoutAConsole() {
        assertEquals(new Mode.Run(), Mode.parse("run"));
        assertInstanceOf(Mode.Usage.class, Mode.parse("run", "now"));
    }

    @Test
    void clientIsAnInteractiveSessionOrAScriptInTheRunningRuntime() {
        assertEquals(new Mode.Client(null), Mode.parse("client"));
        assertEquals(new Mode.Client("gunyah:vms; lb"), Mode.parse("client", "-c", "gunyah:vms; lb"));
        assertInstanceOf(Mode.Usage.class, Mode.parse("client", "-c"));
        assertInstanceOf(Mode.Usage.class, Mode.parse("client", "gunyah:vms"));
    }

    @Test
    void anythingElseIsAUsageProblem() {
        assertInstanceOf(Mode.Usage.class, Mode.parse("start")); // bin/gunyah's own, never the launcher's
        assertInstanceOf(Mode.Usage.class, Mode.parse("-c"));
        assertInstanceOf(Mode.Usage.class, Mode.parse("demo", "--fast"));
        assertEquals(new Mode.Usage(null), Mode.parse("--help"));
    }
}
