# verilator --lint-only -Wall over the board part's Verilog: the bridge at
# several widths, the stand-in network, each board's PLL wrapper in every mode,
# and (once built) the emitted wrapper around the stand-in.
# Run with -DVERILATOR= -DTEMPLATES= -DBOARDS= -DSTANDIN= -DCELLS= [-DEMITTED=].

set(failures 0)

# lint(<label> <file-to-blame...> ARGS <verilator args...>): fails on any
# message about one of the blamed files (other files only supply modules).
function(lint label)
  cmake_parse_arguments(L "" "" "BLAME;ARGS" ${ARGN})
  execute_process(COMMAND ${VERILATOR} --lint-only -Wall -Wno-fatal ${L_ARGS}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(text "${out}${err}")
  set(bad FALSE)
  if(NOT rc EQUAL 0)
    set(bad TRUE)
  endif()
  string(REPLACE "\n" ";" lines "${text}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^%(Warning|Error)")
      foreach(f IN LISTS L_BLAME)
        string(FIND "${line}" "${f}" at)
        if(at GREATER -1)
          set(bad TRUE)
        endif()
      endforeach()
    endif()
  endforeach()
  if(bad)
    message("FAIL ${label}\n${text}")
    math(EXPR n "${failures} + 1")
    set(failures ${n} PARENT_SCOPE)
  else()
    message("ok   ${label}")
  endif()
endfunction()

set(bridge ${TEMPLATES}/sf_uart_bridge.v)
foreach(widths "1;1;1" "8;1;8" "9;4;8" "6;1;7" "20;16;30" "127;127;127")
  list(GET widths 0 a)
  list(GET widths 1 b)
  list(GET widths 2 c)
  lint("sf_uart_bridge ${a}/${b}/${c}" BLAME ${bridge}
       ARGS -GIN_IDX_W=${a} -GIN_PAY_W=${b} -GOUT_IDX_W=${c} ${bridge})
endforeach()
lint("sf_uart_bridge RESET_CYCLES=1" BLAME ${bridge} ARGS -GRESET_CYCLES=1 ${bridge})
# with a weight load port: LOAD records wider and narrower than EVENT records
foreach(ld "12;64" "1;1" "20;16" "64;64")
  list(GET ld 0 a)
  list(GET ld 1 b)
  lint("sf_uart_bridge load ${a}/${b}" BLAME ${bridge}
       ARGS -GIN_IDX_W=9 -GIN_PAY_W=4 -GOUT_IDX_W=8 -GLD_ADDR_W=${a} -GLD_DATA_W=${b} ${bridge})
endforeach()

lint("stand-in sf_top" BLAME ${STANDIN}/sf_top.v ARGS ${STANDIN}/sf_top.v)

# The vendor PLL primitives are blackboxes in yosys' cell library; the whole
# library does not parse in Verilator, so cut out the two we need.
file(READ ${CELLS} cells)
set(stubs "`timescale 1ns / 1ps\n/* verilator lint_off UNUSEDSIGNAL */\n/* verilator lint_off UNDRIVEN */\n")
foreach(prim SB_PLL40_CORE SB_PLL40_PAD)
  string(FIND "${cells}" "module ${prim} (" begin)
  if(begin EQUAL -1)
    message(FATAL_ERROR "${CELLS}: no module ${prim}")
  endif()
  string(SUBSTRING "${cells}" ${begin} -1 rest)
  string(FIND "${rest}" "endmodule" end)
  math(EXPR end "${end} + 9")
  string(SUBSTRING "${rest}" 0 ${end} body)
  string(APPEND stubs "${body}\n")
endforeach()
set(stub_file ${CMAKE_CURRENT_BINARY_DIR}/board_lint_ice40_stubs.v)
file(WRITE ${stub_file} "${stubs}")

file(GLOB plls ${BOARDS}/*/sf_ice40_pll.v)
foreach(pll IN LISTS plls)
  foreach(mode "-GBYPASS=0;-GPAD=1" "-GBYPASS=0;-GPAD=0" "-GBYPASS=1")
    lint("${pll} ${mode}" BLAME ${pll} ARGS --top-module sf_ice40_pll ${mode} ${stub_file} ${pll})
  endforeach()
endforeach()

if(EMITTED AND EXISTS ${EMITTED}/sf_board_top.v AND EXISTS ${TEMPLATES}/sf_uart_rx.v)
  set(core ${EMITTED}/sf_board_core.v)
  set(top ${EMITTED}/sf_board_top.v)
  lint("emitted sf_board_core" BLAME ${core} ${bridge}
       ARGS --top-module sf_board_core ${TEMPLATES}/sf_uart_rx.v ${TEMPLATES}/sf_uart_tx.v ${bridge}
            ${STANDIN}/sf_top.v ${core})
  lint("emitted sf_board_top" BLAME ${top} ${core}
       ARGS --top-module sf_board_top ${stub_file} ${BOARDS}/icebreaker/sf_ice40_pll.v
            ${TEMPLATES}/sf_uart_rx.v ${TEMPLATES}/sf_uart_tx.v ${bridge} ${STANDIN}/sf_top.v ${core} ${top})
endif()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} lint failure(s)")
endif()
