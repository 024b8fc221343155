// Prints a dot on the console register forever: a guest that keeps making progress.
        .equ CONSOLE,    0x09000000

        .text
_start:
        ldr     x1, =CONSOLE
        mov     w2, #'.'
1:      strb    w2, [x1]
        b       1b

        .balign 8
        .ltorg
