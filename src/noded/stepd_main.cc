// drover-stepd <job directory>: see stepd.h.
#include <cstdio>

#include "stepd.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: drover-stepd JOB_DIR (started by droverd, not by hand)\n");
    return 2;
  }
  return drover::run_stepd(argv[1]);
}
