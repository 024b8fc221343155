// A stand-in for an arm64 Linux Image: the 64-byte header booting.rst describes, then code that
// reports how it was entered: x0 (the devicetree's address, 8-byte aligned) with bit 0 set when any
// of x1-x3 is not zero, written to the exit register. The test changes TEXT_OFFSET for an older kernel's placement.
        .equ EXIT, 0x09001000
        .equ TEXT_OFFSET, 0
        .text
_start:
        b       entry                   // code0
        .word   0                       // code1
        .quad   TEXT_OFFSET             // text_offset
        .quad   0x100000                // image_size: 1 MiB, far more than the file
        .quad   2                       // flags: little-endian, 4 KiB pages
        .quad   0, 0, 0                 // res2-res4
        .word   0x644d5241              // magic "ARM\x64"
        .word   0                       // res5
entry:
        orr     x9, x1, x2
        orr     x9, x9, x3
        cmp     x9, #0
        cset    x10, ne
        orr     x0, x0, x10
        ldr     x1, =EXIT
        str     x0, [x1]
1:      b       1b
