/* Strings and memory: copies, comparisons, reversal, number parsing and formatting, overlapping
 * moves, and word counts over a text. */
#include "../runtime/rt.h"

static const char text[] =
    "It was the best of times, it was the worst of times, it was the age of wisdom, "
    "it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity.";

static int my_strcmp(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

static void reverse(char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n / 2; i++) {
        char t = s[i];
        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
}

static long my_atol(const char *s) {
    long sign = 1, v = 0;
    if (*s == '-') sign = -1, s++;
    while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    return sign * v;
}

static char *ltoa(long v, char *buf) {
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do tmp[n++] = (char)('0' + u % 10); while (u /= 10);
    char *p = buf;
    if (v < 0) *p++ = '-';
    while (n) *p++ = tmp[--n];
    *p = 0;
    return buf;
}

int main(void) {
    char buf[256];
    memcpy(buf, text, sizeof text);
    printf_("len %u\n", (unsigned)strlen(buf));
    int words = 0, letters[26] = {0};
    for (const char *p = text; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
            letters[(*p | 32) - 'a']++;
            if (p == text || p[-1] == ' ') words++;
        }
    }
    printf_("words %d\n", words);
    for (int i = 0; i < 26; i++)
        if (letters[i]) printf_("%c=%d ", 'a' + i, letters[i]);
    print_nl();
    reverse(buf);
    printf_("%s\n", buf);
    memmove(buf + 5, buf, 40);
    buf[50] = 0;
    printf_("%s\n", buf);
    memset(buf, '*', 10);
    printf_("%s\n", buf);
    printf_("cmp %d %d %d\n", my_strcmp("abc", "abd") < 0, my_strcmp("b", "a") > 0, my_strcmp("x", "x"));
    printf_("memcmp %d\n", memcmp(text, text + 26, 7));
    const char *nums[] = {"0", "42", "-17", "9223372036854775807", "-123456789012"};
    for (int i = 0; i < 5; i++) {
        long v = my_atol(nums[i]);
        printf_("%s -> %ld -> %s\n", nums[i], v, ltoa(v / 3, buf));
    }
    return 0;
}
