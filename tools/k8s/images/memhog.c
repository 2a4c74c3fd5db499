/* memhog MIB [MIB_PER_SECOND]: allocates and touches MIB mebibytes (all at once, or at the
 * given rate), then holds them until killed. The incidents use it to provoke OOM kills and
 * node memory pressure with real page faults rather than a simulated report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: memhog MIB [MIB_PER_SECOND]\n"); return 2; }
  long total = atol(argv[1]);
  long rate = argc > 2 ? atol(argv[2]) : total;
  if (total <= 0 || rate <= 0) { fprintf(stderr, "memhog: MIB and rate must be positive\n"); return 2; }
  for (long done = 0; done < total;) {
    for (long i = 0; i < rate && done < total; i++, done++) {
      char *block = malloc(1 << 20);
      if (!block) { fprintf(stderr, "memhog: malloc failed after %ld MiB\n", done); return 1; }
      memset(block, 1, 1 << 20);
    }
    printf("memhog: %ld MiB held\n", done);
    fflush(stdout);
    if (done < total) sleep(1);
  }
  for (;;) pause();
}
