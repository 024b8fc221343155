// Prints one line on the console register, then asks PSCI for a system reset (a reboot).
        .equ CONSOLE,      0x09000000
        .equ SYSTEM_RESET, 0x84000009

        .text
_start:
        ldr     x1, =CONSOLE
        adr     x0, msg
1:      ldrb    w2, [x0], #1
        cbz     w2, 2f
        strb    w2, [x1]
        b       1b
2:      ldr     x0, =SYSTEM_RESET
        hvc     #0
3:      b       3b

msg:    .asciz  "booted, now resetting\n"
        .balign 8
        .ltorg
