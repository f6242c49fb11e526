# Cross build for 32-bit ARM (armhf: Raspberry Pi 2/3 on a 32-bit OS) with
# Debian's cross compiler and a separate armhf sysroot (scripts/cross-armhf.sh
# makes one with mmdebstrap). Tests run through qemu-arm.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(triple arm-linux-gnueabihf)
set(CMAKE_C_COMPILER ${triple}-gcc)
set(CMAKE_CXX_COMPILER ${triple}-g++)
if(NOT DEFINED DROVER_SYSROOT)
  set(DROVER_SYSROOT "$ENV{DROVER_SYSROOT}")
endif()
# try_compile() re-reads this file in-process: pass the sysroot on to it.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES DROVER_SYSROOT)
if(NOT DROVER_SYSROOT)
  message(FATAL_ERROR "set DROVER_SYSROOT to an armhf sysroot (scripts/cross-armhf.sh makes one)")
endif()
set(CMAKE_SYSROOT ${DROVER_SYSROOT})
set(CMAKE_FIND_ROOT_PATH ${DROVER_SYSROOT})
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${DROVER_SYSROOT})
set(ENV{PKG_CONFIG_LIBDIR} "${DROVER_SYSROOT}/usr/lib/${triple}/pkgconfig:${DROVER_SYSROOT}/usr/share/pkgconfig")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # protoc runs on the build host
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -L ${DROVER_SYSROOT})
