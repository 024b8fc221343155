package org.gunyah.vmm.api;

/** The function type numbers of the uapi ({@code enum gh_fn_type}) and the argument size limit. */
public final class FunctionType {
    public static final int VCPU = 1;
    public static final int IRQFD = 2;
    public static final int IOEVENTFD = 3;

    /** {@code GH_FN_MAX_ARG_SIZE}: the largest argument any function may take. */
    public static final int MAX_ARG_SIZE = 256;

    private FunctionType() {}

    /** A readable name for the built-in types, else {@code "type N"}. */
    public static String describe(int type) {
        return switch (type) {
            case VCPU -> "vcpu";
            case IRQFD -> "irqfd";
            case IOEVENTFD -> "ioeventfd";
            default -> "type " + Integer.toUnsignedString(type);
        };
    }
}
