// The demo guest: each of the 4 vCPUs prints a greeting to its own console register; vCPU 0
// waits until the others are done, then exits with status 0x600d.
        .equ CONSOLE,    0x09000000           // + 8 * cpu
        .equ GUEST_EXIT, 0xc6000001

        .text
        .global _start
_start:
        mrs     x19, mpidr_el1
        and     x19, x19, #0xff
        ldr     x1, =CONSOLE
        add     x1, x1, x19, lsl #3
        adr     x0, hello
1:      ldrb    w2, [x0], #1
        cbz     w2, 2f
        strb    w2, [x1]
        b       1b
2:      add     w2, w19, #'0'
        strb    w2, [x1]
        mov     w2, #'\n'
        strb    w2, [x1]
        adr     x3, finished
        mov     x4, #1
        ldadd   x4, x4, [x3]
        cbnz    x19, 4f
3:      ldr     x4, [x3]
        cmp     x4, #4
        b.ne    3b
        ldr     x0, =GUEST_EXIT
        mov     x1, #0x600d
        hvc     #0
4:      wfi
        b       4b

hello:  .asciz  "Hello from AArch64 vCPU "
        .balign 8
finished: .quad 0
        .ltorg
