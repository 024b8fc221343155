// Prints one line on its vCPU's console register; vCPU 0 then exits with status 42.
        .equ CONSOLE,    0x09000000           // + 8 * cpu
        .equ GUEST_EXIT, 0xc6000001

        .text
_start:
        mrs     x19, mpidr_el1
        and     x19, x19, #0xff
        ldr     x1, =CONSOLE
        add     x1, x1, x19, lsl #3
        adr     x0, msg
1:      ldrb    w2, [x0], #1
        cbz     w2, 2f
        strb    w2, [x1]
        b       1b
2:      cbnz    x19, 3f
        ldr     x0, =GUEST_EXIT
        mov     x1, #42
        hvc     #0
3:      wfi
        b       3b

msg:    .asciz  "hello from the console\n"
        .balign 8
        .ltorg
