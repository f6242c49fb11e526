# Cross build for 32-bit ARM (armhf: Raspberry Pi 2/3 on a 32-bit OS) with
# Debian's cross compiler and a separate armhf sysroot (scripts/cross-armhf.sh
# makes one with mmdebstrap). Tests run through qemu-arm.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(DROVER_TRIPLE arm-linux-gnueabihf)
set(DROVER_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
