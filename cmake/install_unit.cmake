# Installs one systemd unit (run at install time, from cmake/install.cmake):
# DROVER_UNIT_SRC is the unit in systemd/, DROVER_UNIT_TMP a scratch copy in
# the build tree, DROVER_BINDIR and DROVER_SBINDIR the install directories
# relative to the prefix. Every absolute path to a Drover program in it
# (ExecStart=/usr/local/bin/droverd ...) becomes the installed program's
# path under CMAKE_INSTALL_PREFIX, which is only known now: cpack installs
# with /usr, `cmake --install --prefix P` with P.
file(READ "${DROVER_UNIT_SRC}" text)
set(sbin "${CMAKE_INSTALL_PREFIX}/${DROVER_SBINDIR}")
set(bin "${CMAKE_INSTALL_PREFIX}/${DROVER_BINDIR}")
# A path ends at a space or the end of the line; the program's name follows the last slash.
string(REGEX REPLACE "=([-@:+!]*)/[^ \n=]*/(droverctld|droverd)( |\n)" "=\\1${sbin}/\\2\\3" text "${text}")
string(REGEX REPLACE "=([-@:+!]*)/[^ \n=]*/(drover|scontrol)( |\n)" "=\\1${bin}/\\2\\3" text "${text}")
get_filename_component(name "${DROVER_UNIT_SRC}" NAME)
file(WRITE "${DROVER_UNIT_TMP}/${name}" "${text}")
file(INSTALL "${DROVER_UNIT_TMP}/${name}" DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
