# Finds Debian's packages the build needs. XNNPACK and pthreadpool ship no
# CMake or pkg-config files, so they are found by header and library name.
find_program(FLATC_EXECUTABLE flatc REQUIRED)
find_path(FLATBUFFERS_INCLUDE_DIR flatbuffers/flatbuffers.h REQUIRED)

find_path(PTHREADPOOL_INCLUDE_DIR pthreadpool.h REQUIRED)
find_library(PTHREADPOOL_LIBRARY pthreadpool REQUIRED)
find_path(CPUINFO_INCLUDE_DIR cpuinfo.h REQUIRED)
find_library(CPUINFO_LIBRARY cpuinfo REQUIRED)
find_package(Threads REQUIRED)

if(NOT TARGET ember_pthreadpool)
  add_library(ember_pthreadpool INTERFACE)
  target_include_directories(ember_pthreadpool SYSTEM INTERFACE ${PTHREADPOOL_INCLUDE_DIR} ${CPUINFO_INCLUDE_DIR})
  target_link_libraries(ember_pthreadpool INTERFACE ${PTHREADPOOL_LIBRARY} ${CPUINFO_LIBRARY} Threads::Threads)
endif()

find_path(XNNPACK_INCLUDE_DIR xnnpack.h)
find_library(XNNPACK_LIBRARY XNNPACK)
