# vCPU 0 rings the doorbell at DOORBELL 100 times (4-byte writes), writes once to DONE (nothing
# handles it: an MMIO exit) and exits with code 0 through port 0xf4.
        .code32
        .equ DOORBELL, 0x09002000
        .equ DONE,     0x09002100
        .text
        .global _start
_start:
        mov     $100, %ecx
1:      movl    %ecx, DOORBELL
        loop    1b
        movl    $1, DONE
        xor     %eax, %eax
        out     %eax, $0xf4
2:      cli
        hlt
        jmp     2b
