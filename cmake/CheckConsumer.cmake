# Installs rlkit from BUILD_DIR into a private prefix, then configures,
# builds and runs the consumer example against that prefix alone, the way
# another project would use the package. Also checks the pkg-config file.
#
#   cmake -DBUILD_DIR=... -DEXAMPLE_DIR=... -DWORK_DIR=... -P CheckConsumer.cmake
foreach(var BUILD_DIR EXAMPLE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "CheckConsumer.cmake: ${var} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE status
                  OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    list(JOIN ARGV " " command)
    message(FATAL_ERROR "failed (${status}): ${command}\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# Only the prefix is searched: no package registry, no build tree.
run(${CMAKE_COMMAND} -S ${EXAMPLE_DIR} -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_BUILD_TYPE=Release)
file(READ ${WORK_DIR}/build/CMakeCache.txt cache)
if(NOT cache MATCHES "rlkit_DIR:PATH=${prefix}/")
  message(FATAL_ERROR "rlkit was not found in the installed prefix ${prefix}")
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/rlkit-consumer)
message(STATUS "rlkit-consumer:\n${last_output}")
run(${WORK_DIR}/build/rlkit-consumer-bench --benchmark_min_time=0.01)

find_program(pkg_config pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig")
run(${pkg_config} --cflags --libs rlkit)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
find_program(cxx c++ REQUIRED)
run(${cxx} -std=c++17 ${EXAMPLE_DIR}/main.cpp ${flags}
    -o ${WORK_DIR}/consumer-pkg-config)
run(${WORK_DIR}/consumer-pkg-config)
file(REMOVE_RECURSE ${WORK_DIR})
