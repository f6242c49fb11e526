# Installation and Debian packages (docs/admin-guide.md, section 3).
#
# `cmake --install build --prefix P` puts
#   the CLIs and `drover`            in P/bin                  (component client)
#   droverctld                       in P/sbin                 (component controller)
#   droverd                          in P/sbin                 (component node)
#   drover-stepd                     in P/libexec/drover       (component node)
#   the systemd units                in P/lib/systemd/system   (their ExecStart= rewritten to P/sbin)
#   the annotated example config     in ETC/drover/drover.yaml.example, and as ETC/drover/drover.yaml
#                                    only if that file does not exist yet (an admin's file is kept)
#   the man pages                    in P/share/man/man1, man8 (gzipped)
# where ETC is /etc for the prefixes /usr and /usr/local (where the daemons and
# CLIs look for /etc/drover/drover.yaml) and P/etc for any other (a staged install).
#
# `cmake --build build --target package` (or scripts/package.sh) makes the
# Debian packages drover-controller, drover-node and drover-client from these
# components, with the maintainer scripts in packaging/debian/.
include(GNUInstallDirs)

# How a program finds its siblings once installed (src/core/install_layout.cc).
file(RELATIVE_PATH DROVER_BIN_TO_SBIN /p/${CMAKE_INSTALL_BINDIR} /p/${CMAKE_INSTALL_SBINDIR})
file(RELATIVE_PATH DROVER_SBIN_TO_PKGLIBEXEC /p/${CMAKE_INSTALL_SBINDIR} /p/${CMAKE_INSTALL_LIBEXECDIR}/drover)
set_source_files_properties(src/core/install_layout.cc PROPERTIES COMPILE_DEFINITIONS
  "DROVER_BIN_TO_SBIN=\"${DROVER_BIN_TO_SBIN}\";DROVER_SBIN_TO_PKGLIBEXEC=\"${DROVER_SBIN_TO_PKGLIBEXEC}\"")

set(DROVER_CLIS sbatch squeue sinfo scancel scontrol sacct srun salloc drover)
install(TARGETS ${DROVER_CLIS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT client)
install(TARGETS droverctld RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT controller)
install(TARGETS droverd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT node)
install(TARGETS drover-stepd RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/drover COMPONENT node)

# The systemd units, whichever are in systemd/: droverctld* belong to the
# controller, the rest to the node. cmake/install_unit.cmake rewrites the
# paths of Drover's programs in them to where they are installed.
file(GLOB DROVER_UNITS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/systemd/*.service
     ${CMAKE_SOURCE_DIR}/systemd/*.socket ${CMAKE_SOURCE_DIR}/systemd/*.target)
foreach(unit ${DROVER_UNITS})
  get_filename_component(name ${unit} NAME)
  if(name MATCHES "^droverctld")
    set(component controller)
  else()
    set(component node)
  endif()
  install(CODE "set(DROVER_UNIT_SRC \"${unit}\")
    set(DROVER_UNIT_TMP \"${CMAKE_BINARY_DIR}/installed-units\")
    set(DROVER_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
    set(DROVER_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")
    include(\"${CMAKE_SOURCE_DIR}/cmake/install_unit.cmake\")" COMPONENT ${component})
endforeach()

# The example config. drover.yaml itself is installed only where none exists,
# so reinstalling never replaces an admin's file. In a package's staging tree
# it never exists, so the package ships it (as a conffile: dpkg keeps an
# edited copy on upgrade and asks).
install(CODE "
  if(IS_ABSOLUTE \"${CMAKE_INSTALL_SYSCONFDIR}\")
    set(drover_etc \"${CMAKE_INSTALL_SYSCONFDIR}/drover\")
  elseif(CMAKE_INSTALL_PREFIX MATCHES \"^/usr(/local)?/?\$\")
    set(drover_etc /etc/drover)
  else()
    set(drover_etc \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_SYSCONFDIR}/drover\")
  endif()
  file(INSTALL \"${CMAKE_SOURCE_DIR}/conf/picluster.yaml\" DESTINATION \"\${drover_etc}\"
       RENAME drover.yaml.example PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  if(EXISTS \"\$ENV{DESTDIR}\${drover_etc}/drover.yaml\")
    message(STATUS \"Keeping: \$ENV{DESTDIR}\${drover_etc}/drover.yaml (the example is drover.yaml.example)\")
  else()
    file(INSTALL \"${CMAKE_SOURCE_DIR}/conf/picluster.yaml\" DESTINATION \"\${drover_etc}\"
         RENAME drover.yaml PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endif()
" COMPONENT client)

# Man pages: docs/man/<name>.<section>, gzipped at build time (as Debian
# ships them), each in the package of its program.
file(GLOB DROVER_MAN_PAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/man/*.[18])
find_program(GZIP_PROGRAM gzip REQUIRED)
set(DROVER_MAN_GZ)
foreach(page ${DROVER_MAN_PAGES})
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${name})
  string(REGEX REPLACE "\\.[0-9]$" "" program ${name})
  set(gz ${CMAKE_BINARY_DIR}/man/${name}.gz)
  # -n: no name or time stamp inside, so the packages are reproducible.
  add_custom_command(OUTPUT ${gz} COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${GZIP_PROGRAM} -9nc ${page} > ${gz} DEPENDS ${page} VERBATIM)
  list(APPEND DROVER_MAN_GZ ${gz})
  if(program STREQUAL "droverctld")
    set(component controller)
  elseif(program MATCHES "^(droverd|drover-stepd)$")
    set(component node)
  else()
    set(component client)
  endif()
  install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section} COMPONENT ${component})
endforeach()
add_custom_target(man_pages ALL DEPENDS ${DROVER_MAN_GZ})

# ---------------------------------------------------------------------------
# Debian packages.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME drover)
set(CPACK_PACKAGE_VENDOR "Drover")
set(CPACK_PACKAGE_CONTACT "Drover maintainers <drover@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
# Install with DESTDIR=<staging> and the real prefix /usr (file(INSTALL)
# adds DESTDIR itself), so that the unit
# rewriting and the /etc rule above see /usr, not the staging directory.
set(CPACK_SET_DESTDIR ON)
# Debug information stays in the build tree: stripped, the packages are a
# few MB instead of 90.
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL controller node client)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/drover")
if(NOT CMAKE_CROSSCOMPILING)
  # Library dependencies from dpkg-shlibdeps (libstdc++, libsqlite3, ...).
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  # dpkg-shlibdeps cannot see the libraries of a sysroot that mmdebstrap
  # only unpacked (scripts/cross-build.sh): name Debian 12's by hand, the
  # same list dpkg-shlibdeps gives for the native packages.
  if(CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
  else()
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE armhf)
  endif()
  # Each list is appended to its package's Depends below (empty natively).
  set(libs "libc6 (>= 2.34), libgcc-s1 (>= 3.0), libstdc++6 (>= 12), libyaml-cpp0.7 (>= 0.7.0)")
  set(DROVER_DEB_CLIENT_LIBS ", ${libs}")
  # spdlog and fmt are compiled in (header-only): no libspdlog or libfmt.
  set(DROVER_DEB_NODE_LIBS ", ${libs}")
  set(DROVER_DEB_CONTROLLER_LIBS "${DROVER_DEB_NODE_LIBS}, libsqlite3-0 (>= 3.5.9)")
endif()
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

set(DROVER_DEB_SCRIPTS ${CMAKE_SOURCE_DIR}/packaging/debian)
set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME drover-client)
set(CPACK_COMPONENT_CLIENT_DESCRIPTION "Drover workload manager: user commands
 sbatch, squeue, sinfo, scancel, scontrol, sacct, srun and salloc, Slurm's
 commands with Slurm's options and output formats, and drover, the admin's
 tool (keygen, check-config, up, down). Holds /etc/drover/drover.yaml and
 creates the drover system user and group.")
# adduser: postinst creates the drover user and group.
set(CPACK_DEBIAN_CLIENT_PACKAGE_DEPENDS "adduser${DROVER_DEB_CLIENT_LIBS}")
set(CPACK_DEBIAN_CLIENT_PACKAGE_CONTROL_EXTRA
    ${DROVER_DEB_SCRIPTS}/client/postinst ${DROVER_DEB_SCRIPTS}/client/postrm ${DROVER_DEB_SCRIPTS}/client/conffiles)

set(CPACK_DEBIAN_CONTROLLER_PACKAGE_NAME drover-controller)
set(CPACK_COMPONENT_CONTROLLER_DESCRIPTION "Drover workload manager: controller
 droverctld, which schedules batch jobs and job arrays onto the nodes' agents.
 Install it on the head node. Its state is in /var/lib/drover.")
# init-system-helpers: deb-systemd-helper and deb-systemd-invoke in the maintainer scripts.
set(CPACK_DEBIAN_CONTROLLER_PACKAGE_DEPENDS
    "drover-client (= ${PROJECT_VERSION}), init-system-helpers${DROVER_DEB_CONTROLLER_LIBS}")
set(CPACK_DEBIAN_CONTROLLER_PACKAGE_CONTROL_EXTRA
    ${DROVER_DEB_SCRIPTS}/controller/postinst ${DROVER_DEB_SCRIPTS}/controller/prerm
    ${DROVER_DEB_SCRIPTS}/controller/postrm)

set(CPACK_DEBIAN_NODE_PACKAGE_NAME drover-node)
set(CPACK_COMPONENT_NODE_DESCRIPTION "Drover workload manager: node agent
 droverd and the job supervisor drover-stepd. Install it on every compute
 node, set controller.host in /etc/drover/drover.yaml and copy the cluster
 key to /etc/drover/drover.key.")
set(CPACK_DEBIAN_NODE_PACKAGE_DEPENDS
    "drover-client (= ${PROJECT_VERSION}), init-system-helpers${DROVER_DEB_NODE_LIBS}")
set(CPACK_DEBIAN_NODE_PACKAGE_CONTROL_EXTRA
    ${DROVER_DEB_SCRIPTS}/node/postinst ${DROVER_DEB_SCRIPTS}/node/prerm ${DROVER_DEB_SCRIPTS}/node/postrm)

include(CPack)

# tests/integration/test_packages.sh builds the packages and a Debian tree
# (cached after the first run) and installs into it from a mirror: more
# than the 300 s other integration tests get, the first time.
if(TEST integration.test_packages)
  set_tests_properties(integration.test_packages PROPERTIES TIMEOUT 900)
endif()
