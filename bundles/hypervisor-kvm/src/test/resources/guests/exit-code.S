# The smallest KVM guest, on 2 vCPUs: each writes its id as a digit to its console register
# (CONSOLE + 8 * EDI), and vCPU 0, once both have, exits with code 0x600d through port 0xf4.
        .code32
        .equ CONSOLE, 0x09000000
        .text
_start:
        mov     %edi, %eax
        add     $'0', %eax
        mov     %al, CONSOLE(,%edi,8)       # one character per vCPU, on its own register
        lock incl arrived
        test    %edi, %edi
        jnz     2f
1:      pause
        cmpl    $2, arrived
        jne     1b
        mov     $0x600d, %eax
        out     %eax, $0xf4
2:      cli
        hlt
        jmp     2b
        .balign 4
arrived:  .long 0
