// The guest of the shell tests: prints a line on vCPU 0's console register, rings the doorbell
// at DOORBELL once (an ioeventfd there turns it into an eventfd signal), and exits with 7.
        .equ CONSOLE,    0x09000000
        .equ DOORBELL,   0x0a000000
        .equ GUEST_EXIT, 0xc6000001

        .text
_start:
        ldr     x1, =CONSOLE
        adr     x0, msg
1:      ldrb    w2, [x0], #1
        cbz     w2, 2f
        strb    w2, [x1]
        b       1b
2:      ldr     x1, =DOORBELL
        mov     w2, #1
        str     w2, [x1]
        ldr     x0, =GUEST_EXIT
        mov     x1, #7
        hvc     #0
3:      b       3b

msg:    .asciz  "hello from the greeter\n"
        .balign 8
        .ltorg
