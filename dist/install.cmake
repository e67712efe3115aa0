# Install-time part of dist/CMakeLists.txt (run by cmake --install with
# BOOTD_SRC, BOOTD_SBINDIR, BOOTD_SYSCONFDIR, BOOTD_UNITDIR and BOOTD_TMP
# set). The config and the templates are installed only where no file of
# that name exists: an admin's edits survive every reinstall.

# Relative to the prefix, except /usr, whose configuration lives in /etc
# (the GNUInstallDirs rule), and absolute paths (debhelper passes /etc).
function(bootd_dir out rel)
	if(IS_ABSOLUTE "${rel}")
		set(${out} "${rel}" PARENT_SCOPE)
	elseif(rel STREQUAL "etc" AND CMAKE_INSTALL_PREFIX STREQUAL "/usr")
		set(${out} "/etc" PARENT_SCOPE)
	else()
		set(${out} "${CMAKE_INSTALL_PREFIX}/${rel}" PARENT_SCOPE)
	endif()
endfunction()

# Installs file src as dir/name unless $DESTDIR/dir/name exists.
function(bootd_install_new src dir name mode)
	if(EXISTS "$ENV{DESTDIR}${dir}/${name}")
		message(STATUS "Keeping: $ENV{DESTDIR}${dir}/${name}")
		return()
	endif()
	get_filename_component(from "${src}" NAME)
	if(NOT from STREQUAL name)
		file(MAKE_DIRECTORY "${BOOTD_TMP}/rename")
		configure_file("${src}" "${BOOTD_TMP}/rename/${name}" COPYONLY)
		set(src "${BOOTD_TMP}/rename/${name}")
	endif()
	file(INSTALL "${src}" DESTINATION "${dir}" PERMISSIONS ${mode})
endfunction()

bootd_dir(sbindir "${BOOTD_SBINDIR}")
bootd_dir(confdir "${BOOTD_SYSCONFDIR}")
set(confdir "${confdir}/bootd")
bootd_dir(unitdir "${BOOTD_UNITDIR}")
set(rw OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# The unit names the binary and the config where this install puts them.
set(CMAKE_INSTALL_FULL_SBINDIR "${sbindir}")
set(BOOTD_CONFDIR "${confdir}")
configure_file("${BOOTD_SRC}/dist/bootd.service.in"
	"${BOOTD_TMP}/bootd.service" @ONLY)
file(INSTALL "${BOOTD_TMP}/bootd.service" DESTINATION "${unitdir}"
	PERMISSIONS ${rw})

# The example config, with paths.templates moved along when the templates
# do not go to /etc/bootd/templates, its default.
file(READ "${BOOTD_SRC}/bootd.conf.example" conf)
if(NOT confdir STREQUAL "/etc/bootd")
	string(REPLACE "templates = \"/etc/bootd/templates\";"
		"templates = \"${confdir}/templates\";" conf "${conf}")
endif()
file(WRITE "${BOOTD_TMP}/bootd.conf" "${conf}")
bootd_install_new("${BOOTD_TMP}/bootd.conf" "${confdir}" bootd.conf "${rw}")

file(GLOB templates "${BOOTD_SRC}/templates/*")
foreach(t ${templates})
	get_filename_component(name "${t}" NAME)
	bootd_install_new("${t}" "${confdir}/templates" "${name}" "${rw}")
endforeach()
