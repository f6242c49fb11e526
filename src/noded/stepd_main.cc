// drover-stepd JOB_DIR | --step STEP_DIR: see stepd.h and step_supervisor.h.
#include <cstdio>
#include <cstring>

#include "step_supervisor.h"
#include "stepd.h"

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--step") == 0) return drover::run_step_supervisor(argv[2]);
  if (argc != 2) {
    std::fprintf(stderr, "usage: drover-stepd JOB_DIR | --step STEP_DIR (started by droverd, not by hand)\n");
    return 2;
  }
  return drover::run_stepd(argv[1]);
}
