package org.gunyah.vmm.tools.a64asm;

/** A source line the assembler cannot turn into code: the message names the line and the reason. */
public final class AssemblyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;

    public AssemblyException(int line, String text, String reason) {
        super("line " + line + ": " + reason + "\n    " + text.strip());
        this.line = line;
    }

    public int line() {
        return line;
    }
}
