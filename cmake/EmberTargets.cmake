# Compile settings for Ember's own targets: warnings are errors here, never in
# third-party headers (those are included as SYSTEM).
function(ember_target_settings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:include/ember>)
  if(NOT EMBER_LOGGING)
    target_compile_definitions(${target} PUBLIC EMBER_LOGGING=0)
  endif()
endfunction()
