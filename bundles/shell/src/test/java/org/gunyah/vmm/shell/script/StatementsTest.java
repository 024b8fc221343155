package org.gunyah.vmm.shell.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementsTest {
    @Test
    void semicolonsAndLineEndsSeparateStatements() {
        assertEquals(
                List.of("gunyah:vms", "gunyah:functions", "lb"), Statements.split("gunyah:vms; gunyah:functions\nlb"));
    }

    @Test
    void separatorsInsideQuotesOrBracketsDoNotSplit() {
        assertEquals(
                List.of("echo 'a;b'", "each [1 2] { echo $it; echo x }"),
                Statements.split("echo 'a;b'; each [1 2] { echo $it; echo x }"));
    }

    @Test
    void blankStatementsAndCommentsAreSkipped() {
        assertEquals(List.of("lb"), Statements.split(" ;\n# a comment\n lb ;;"));
    }
}
