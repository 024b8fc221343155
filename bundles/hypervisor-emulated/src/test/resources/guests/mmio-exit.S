// vCPU 0 says "hi" on the console, rings a doorbell register (taken by an IO handler, no exit),
// reads a value the host supplies and exits with that value + 1. Other vCPUs park in WFI.
        .equ CONSOLE,   0x09000000
        .equ DOORBELL,  0x09001000
        .equ GUEST_EXIT, 0xc6000001

        .text
        .global _start
_start:
        mrs     x1, mpidr_el1
        and     x1, x1, #0xff
        cbnz    x1, park

        ldr     x2, =CONSOLE
        mov     w3, #'h'
        strb    w3, [x2]
        mov     w3, #'i'
        strb    w3, [x2]

        ldr     x4, =DOORBELL
        mov     w5, #1
        str     w5, [x4]

        ldr     w6, [x2, #8]
        add     x1, x6, #1
        ldr     x0, =GUEST_EXIT
        hvc     #0
park:
        wfi
        b       park
        .ltorg
