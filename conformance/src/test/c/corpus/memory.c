/* Memory structures: a linked list built in a static pool, structures copied by value, a 2-D
 * matrix product, and a hash table with open addressing. */
#include "../runtime/rt.h"

struct node {
    struct node *next;
    int value;
    char tag[12];
};
static struct node pool[64];

struct point {
    int64_t x, y, z;
    uint8_t flags[5];
};

static struct point scale(struct point p, int k) {
    p.x *= k, p.y *= k, p.z *= k;
    p.flags[k % 5] ^= 0xff;
    return p;
}

#define M 12
static int32_t A[M][M], B[M][M], C[M][M];

#define SLOTS 256
static uint64_t keys[SLOTS];
static int32_t vals[SLOTS];

static void put(uint64_t k, int32_t v) {
    unsigned i = (unsigned)((k * 0x9e3779b97f4a7c15ull) >> 56);
    while (keys[i] && keys[i] != k) i = (i + 1) % SLOTS;
    keys[i] = k;
    vals[i] = v;
}

static int32_t get(uint64_t k) {
    unsigned i = (unsigned)((k * 0x9e3779b97f4a7c15ull) >> 56);
    while (keys[i]) {
        if (keys[i] == k) return vals[i];
        i = (i + 1) % SLOTS;
    }
    return -1;
}

int main(void) {
    struct node *head = 0;
    for (int i = 0; i < 64; i++) {
        pool[i].value = i * i - 100;
        memcpy(pool[i].tag, "node-xx", 8);
        pool[i].tag[5] = (char)('a' + i % 26);
        pool[i].tag[6] = (char)('0' + i % 10);
        if (i % 3) {
            pool[i].next = head;
            head = &pool[i];
        }
    }
    long sum = 0;
    int count = 0;
    for (struct node *n = head; n; n = n->next) sum += n->value, count++;
    printf_("list %d nodes sum %ld head %s\n", count, sum, head->tag);

    struct point p = {1, -2, 3, {1, 2, 3, 4, 5}};
    for (int k = 1; k < 6; k++) {
        struct point q = scale(p, k);
        printf_("%ld %ld %ld %x %x\n", q.x, q.y, q.z, q.flags[0], q.flags[k % 5]);
    }

    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) A[i][j] = i * 3 - j, B[i][j] = (i ^ j) - 4;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            int32_t s = 0;
            for (int k = 0; k < M; k++) s += A[i][k] * B[k][j];
            C[i][j] = s;
        }
    for (int i = 0; i < M; i += 3) printf_("C[%d] %d %d %d %d\n", i, C[i][0], C[i][1], C[i][5], C[i][M - 1]);

    for (int i = 1; i < 200; i++) put((uint64_t)i * 7919, i);
    long found = 0;
    for (int i = 1; i < 220; i++) found += get((uint64_t)i * 7919);
    printf_("hash %ld\n", found);
    return 0;
}
