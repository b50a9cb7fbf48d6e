# cmake -P script behind the install_consumer test. Inputs: EMBER_BUILD_DIR,
# CONSUMER_SOURCE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER.
foreach(var EMBER_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_install_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer-build)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run_step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

run_step("install" ${CMAKE_COMMAND} --install ${EMBER_BUILD_DIR} --prefix ${prefix})

foreach(f lib/cmake/Ember/EmberConfig.cmake lib/cmake/Ember/EmberConfigVersion.cmake
          lib/cmake/Ember/EmberTargets.cmake lib/libember_runtime.a include/ember/runtime/core/error.h
          include/ember/runtime/loader/buffer_data_loader.h)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "install did not produce ${f}")
  endif()
endforeach()

run_step("consumer configure" ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${consumer_build} -G ${GENERATOR}
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
run_step("consumer build" ${CMAKE_COMMAND} --build ${consumer_build})
run_step("consumer run" ${consumer_build}/ember_consumer)

set(expected "error_name=InvalidProgram numel=6 strides=3,1 nbytes=24 sum=21 loaded=3,4 range=InvalidArgument register=Ok kernels=yes")
string(STRIP "${step_output}" actual)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "consumer printed\n  '${actual}'\nexpected\n  '${expected}'")
endif()
message(STATUS "consumer output matches: ${actual}")
