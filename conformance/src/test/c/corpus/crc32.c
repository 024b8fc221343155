/* CRC-32 (IEEE, reflected) bit by bit and by table, and CRC-32C, over a few messages. */
#include "../runtime/rt.h"

static uint32_t table[256];

static uint32_t crc_bitwise(const uint8_t *p, size_t n, uint32_t poly) {
    uint32_t crc = 0xffffffffu;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = crc & 1 ? (crc >> 1) ^ poly : crc >> 1;
    }
    return ~crc;
}

static uint32_t crc_table(const uint8_t *p, size_t n) {
    uint32_t crc = 0xffffffffu;
    while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

int main(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
        table[i] = c;
    }
    const char *msgs[] = {"", "a", "123456789", "The quick brown fox jumps over the lazy dog"};
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(msgs[i]);
        printf_("crc32(\"%s\") = %08x %08x crc32c = %08x\n", msgs[i], crc_bitwise((const uint8_t *)msgs[i], n, 0xedb88320u),
                crc_table((const uint8_t *)msgs[i], n), crc_bitwise((const uint8_t *)msgs[i], n, 0x82f63b78u));
    }
    static uint8_t big[4096];
    for (int i = 0; i < 4096; i++) big[i] = (uint8_t)(i * 7 + (i >> 5));
    printf_("big %08x %08x\n", crc_table(big, sizeof big), crc_bitwise(big, sizeof big, 0x82f63b78u));
    return 0;
}
