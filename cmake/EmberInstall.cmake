# Install rules and the Ember CMake package.
#
# `cmake --install <build> --prefix P` puts the static libraries in P/lib,
# the public headers of runtime/, kernels/ and backends/ in P/include/ember/
# (paths kept, so consumers write #include "runtime/core/error.h"), and the
# package in P/lib/cmake/Ember. Consumers call find_package(Ember) and link
# ember::runtime, ember::module, ember::portable_kernels, ...
#
# Debian's pthreadpool, cpuinfo and XNNPACK ship no CMake package. In the build
# tree ember_pthreadpool names them by absolute path; in the installed package
# it names EmberDeps::* imported targets, which EmberConfig.cmake creates after
# finding the libraries on the consumer's machine.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(EMBER_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Ember")

# Libraries that are installed when they exist in this build. Kernel and
# backend libraries join the list by name.
set(EMBER_INSTALL_LIBRARY_CANDIDATES
  ember_runtime
  ember_module
  ember_portable_kernels
  ember_prim_ops
  ember_quantized_kernels
  ember_xnnpack_backend)

# Every project target those libraries link (directly or not, PRIVATE included,
# since a static library's private links are part of its export) must be in
# the export set too, or generation fails. Walk the link graph and collect
# them; links wrapped in $<BUILD_INTERFACE:...> are build-only and skipped.
set(EMBER_INSTALL_TARGETS)
set(ember_worklist)
foreach(lib ${EMBER_INSTALL_LIBRARY_CANDIDATES})
  if(TARGET ${lib})
    list(APPEND ember_worklist ${lib})
  endif()
endforeach()
while(ember_worklist)
  list(POP_FRONT ember_worklist target)
  get_target_property(aliased ${target} ALIASED_TARGET)
  if(aliased)
    set(target ${aliased})
  endif()
  get_target_property(imported ${target} IMPORTED)
  if(imported OR target IN_LIST EMBER_INSTALL_TARGETS)
    continue()
  endif()
  list(APPEND EMBER_INSTALL_TARGETS ${target})
  set(links)
  foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
    get_target_property(value ${target} ${prop})
    if(value)
      list(APPEND links ${value})
    endif()
  endforeach()
  foreach(item ${links})
    if(item MATCHES "^\\$<LINK_ONLY:([^$<>]+)>$")
      set(item ${CMAKE_MATCH_1})
    endif()
    if(NOT item MATCHES "\\$<" AND TARGET ${item})
      list(APPEND ember_worklist ${item})
    endif()
  endforeach()
endwhile()

# EXPORT_NAME defaults to the name without the "ember_" prefix
# (ember_portable_kernels -> ember::portable_kernels).
foreach(target ${EMBER_INSTALL_TARGETS})
  get_target_property(export_name ${target} EXPORT_NAME)
  if(NOT export_name)
    string(REGEX REPLACE "^ember_" "" export_name ${target})
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
  endif()
endforeach()

# ember_pthreadpool: keep the absolute paths for the build tree only and point
# the installed copy at the imported targets EmberConfig.cmake recreates.
get_target_property(ember_pp_includes ember_pthreadpool INTERFACE_INCLUDE_DIRECTORIES)
get_target_property(ember_pp_libs ember_pthreadpool INTERFACE_LINK_LIBRARIES)
list(TRANSFORM ember_pp_includes PREPEND "$<BUILD_INTERFACE:")
list(TRANSFORM ember_pp_includes APPEND ">")
list(REMOVE_ITEM ember_pp_libs Threads::Threads)
list(TRANSFORM ember_pp_libs PREPEND "$<BUILD_INTERFACE:")
list(TRANSFORM ember_pp_libs APPEND ">")
set_target_properties(ember_pthreadpool PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${ember_pp_includes}"
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${ember_pp_includes}"
  INTERFACE_LINK_LIBRARIES
    "${ember_pp_libs};$<INSTALL_INTERFACE:EmberDeps::pthreadpool>;$<INSTALL_INTERFACE:EmberDeps::cpuinfo>;Threads::Threads")

# A sanitized build's archives need the sanitizer runtime in every consumer.
if(EMBER_SANITIZE)
  set_property(TARGET ember_runtime APPEND PROPERTY INTERFACE_LINK_OPTIONS
    "$<INSTALL_INTERFACE:-fsanitize=address,undefined>")
endif()

# The XNNPACK backend links Debian's libXNNPACK; the installed config then has
# to find it too.
set(EMBER_CONFIG_NEEDS_XNNPACK OFF)
if(TARGET ember_xnnpack_backend)
  set(EMBER_CONFIG_NEEDS_XNNPACK ON)
endif()

install(TARGETS ${EMBER_INSTALL_TARGETS}
  EXPORT EmberTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/ember-objects)

# Headers one by one (not install(DIRECTORY)) so no empty folders are created.
file(GLOB_RECURSE EMBER_PUBLIC_HEADERS CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}
  ${PROJECT_SOURCE_DIR}/runtime/*.h ${PROJECT_SOURCE_DIR}/kernels/*.h ${PROJECT_SOURCE_DIR}/backends/*.h)
foreach(header ${EMBER_PUBLIC_HEADERS})
  get_filename_component(header_dir ${header} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${header} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ember/${header_dir})
endforeach()

install(EXPORT EmberTargets
  NAMESPACE ember::
  DESTINATION ${EMBER_INSTALL_CMAKEDIR})

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/EmberConfig.cmake.in
  ${PROJECT_BINARY_DIR}/EmberConfig.cmake
  INSTALL_DESTINATION ${EMBER_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/EmberConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/EmberConfig.cmake
  ${PROJECT_BINARY_DIR}/EmberConfigVersion.cmake
  DESTINATION ${EMBER_INSTALL_CMAKEDIR})
