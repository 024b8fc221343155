// The guest platform: _start at the image's first byte (0x40000000) sets the stack at the top of
// the guest's RAM, calls main, and exits with its status through the guest exit hypercall.
        .section .text.start, "ax"
        .global _start
_start:
        ldr     x0, =__stack_top
        mov     sp, x0
        bl      main
        b       exit_

        .text
        .global exit_
exit_:
        mov     x1, x0
        ldr     x0, =0xc6000001         // GUEST_EXIT: the VM exits with status x1
        hvc     #0
1:      b       1b

        // One byte to the console register: one MMIO write per character.
        .global putchar_
putchar_:
        mov     x1, #0x09000000
        strb    w0, [x1]
        ret
        .ltorg
