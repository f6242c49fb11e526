# Cross build for 64-bit ARM (arm64: Raspberry Pi 3/4/5 on a 64-bit OS) with
# Debian's cross compiler and a separate arm64 sysroot (scripts/cross-arm64.sh
# makes one with mmdebstrap). Tests run through qemu-aarch64.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(DROVER_TRIPLE aarch64-linux-gnu)
set(DROVER_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
