# The body shared by the Debian cross toolchain files (armhf-toolchain.cmake,
# arm64-toolchain.cmake): Debian's cross compiler for DROVER_TRIPLE and a
# separate sysroot made with mmdebstrap (scripts/cross-build.sh makes one),
# with tests run through qemu-user. The including file sets
# CMAKE_SYSTEM_PROCESSOR, DROVER_TRIPLE and DROVER_QEMU.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${DROVER_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${DROVER_TRIPLE}-g++)
if(NOT DEFINED DROVER_SYSROOT)
  set(DROVER_SYSROOT "$ENV{DROVER_SYSROOT}")
endif()
# try_compile() re-reads the toolchain file in-process: pass the sysroot on to it.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES DROVER_SYSROOT)
if(NOT DROVER_SYSROOT)
  message(FATAL_ERROR "set DROVER_SYSROOT to a ${DROVER_TRIPLE} sysroot (scripts/cross-build.sh makes one)")
endif()
set(CMAKE_SYSROOT ${DROVER_SYSROOT})
set(CMAKE_FIND_ROOT_PATH ${DROVER_SYSROOT})
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${DROVER_SYSROOT})
set(ENV{PKG_CONFIG_LIBDIR} "${DROVER_SYSROOT}/usr/lib/${DROVER_TRIPLE}/pkgconfig:${DROVER_SYSROOT}/usr/share/pkgconfig")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # protoc runs on the build host
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR ${DROVER_QEMU} -L ${DROVER_SYSROOT})
