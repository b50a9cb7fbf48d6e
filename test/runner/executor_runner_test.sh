#!/bin/sh
# End-to-end checks of executor_runner on the real ExecuTorch fixtures:
# printed values, exit statuses and error messages.
# usage: executor_runner_test.sh RUNNER FIXTURES_DIR WORK_DIR
set -u

RUNNER=$1
FIX=$2
WORK=$3

if [ ! -d "$FIX" ]; then
  echo "SKIP: fixtures not found at $FIX (../shared is absent)"
  exit 0
fi

rm -rf "$WORK"
mkdir -p "$WORK"
FAILURES=0

fail() {
  echo "FAIL: $*"
  FAILURES=$((FAILURES + 1))
}

# run NAME EXPECTED_STATUS ARGS... : runs the runner, keeps stdout/stderr.
run() {
  name=$1
  want=$2
  shift 2
  "$RUNNER" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  got=$?
  if [ "$got" != "$want" ]; then
    fail "$name: exit status $got, expected $want"
    sed 's/^/    /' "$WORK/$name.out" "$WORK/$name.err"
  fi
}

# expect_out NAME TEXT / expect_err NAME TEXT: fixed-string match.
expect_out() {
  grep -qF -- "$2" "$WORK/$1.out" || { fail "$1: stdout lacks '$2'"; sed 's/^/    /' "$WORK/$1.out"; }
}
expect_err() {
  grep -qF -- "$2" "$WORK/$1.err" || { fail "$1: stderr lacks '$2'"; sed 's/^/    /' "$WORK/$1.err"; }
}

# write_f32_npy FILE HEX... : a 1-D float32 .npy (version 1.0) whose elements
# are given as little-endian byte strings like '\000\000\000\100' (2.0).
write_f32_npy() {
  file=$1
  shift
  n=$#
  dict="{'descr': '<f4', 'fortran_order': False, 'shape': ($n,), }"
  # 10 prefix bytes + dict + padding + '\n' is a multiple of 64.
  len=${#dict}
  pad=$(( (64 - (10 + len + 1) % 64) % 64 ))
  hlen=$((len + pad + 1))
  {
    printf '\223NUMPY\001\000'
    printf "\\$(printf '%03o' $((hlen % 256)))\\$(printf '%03o' $((hlen / 256)))"
    printf '%s' "$dict"
    printf "%${pad}s" ''
    printf '\n'
    for v in "$@"; do printf "$v"; done
  } >"$file"
}

ONE='\000\000\200\077'
TWO='\000\000\000\100'
FIVE='\000\000\240\100'

ET=$FIX/executorch
NP=$FIX/executorch-numpy-runtime

# add.pte: 2 + 5 = 7, outputs written as .npy.
write_f32_npy "$WORK/two.npy" "$TWO"
write_f32_npy "$WORK/five.npy" "$FIVE"
mkdir -p "$WORK/outdir"
run add 0 --model "$ET/add.pte" --input "$WORK/two.npy" --input "$WORK/five.npy" --output-dir "$WORK/outdir" \
  --iterations 3 --warmup 1
expect_out add "output 0: tensor Float [1] = [7]"
expect_err add "timing:"
expect_err add "median"
[ -s "$WORK/outdir/output_0.npy" ] || fail "add: output_0.npy not written"
# --json: one object on stdout, nothing else; --profile: one aten::add.out
# call per run (1 first + 3 timed + 3 profiled runs -> 3 profiled events).
run add_json 0 --model "$ET/add.pte" --input "$WORK/two.npy" --input "$WORK/five.npy" --iterations 3 --json --profile
expect_out add_json '{"schema": "ember-runner-bench/1", "model": '
expect_out add_json '"runs": 3, "warmup": 0, '
expect_out add_json '"profile": {"runs": 3, '
expect_out add_json '{"kind": "kernel", "op": "aten::add.out", "count": 3, '
[ "$(wc -l <"$WORK/add_json.out")" -eq 1 ] || fail "add_json: stdout is not one line"
run add_profile 0 --model "$ET/add.pte" --input "$WORK/two.npy" --input "$WORK/five.npy" --iterations 2 --profile
expect_err add_profile "profile (2 run(s); per instruction, then per delegate node):"
expect_err add_profile "aten::add.out"
expect_err add_profile "peak RSS"
# Feed the written output back in: 7 + 7 = 14.
run add_again 0 --model "$ET/add.pte" --input "$WORK/outdir/output_0.npy" --input "$WORK/outdir/output_0.npy"
expect_out add_again "output 0: tensor Float [1] = [14]"

# Raw .bin input of the declared dtype and shape: 2 + 5 again.
printf "$TWO" >"$WORK/two.bin"
printf "$FIVE" >"$WORK/five.bin"
run add_bin 0 --model "$ET/add.pte" --input "$WORK/two.bin" --input "$WORK/five.bin"
expect_out add_bin "output 0: tensor Float [1] = [7]"

# Default inputs are ones, and the runner says so.
run add_one_constant 0 --model "$ET/add_one_constant.pte"
expect_out add_one_constant "none given"
expect_out add_one_constant "output 0: tensor Float [3] = [2, 2, 2]"

run linear 0 --model "$ET/linear_inline_constants_deprecated.pte" --threads 1
expect_out linear "output 0: tensor Float [2, 2] = [5, 5, 5, 5]"

run dtypes 0 --model "$NP/dtypes.pte"
expect_out dtypes "output 0: tensor Long [1] = [2]"
expect_out dtypes "output 1: tensor Float [1] = [2]"

write_f32_npy "$WORK/one_two.npy" "$ONE" "$TWO"
run multi_forward 0 --model "$NP/multi.pte" --method forward --input "$WORK/one_two.npy"
expect_out multi_forward "output 0: tensor Float [2] = [2, 3]"
# The exporter traced TwoMethods.forward under both names (export(m, ...)
# always exports forward), so 'double' in this file computes a + 1 as well;
# its plan is identical to forward's, whatever the fixture README says.
run multi_double 0 --model "$NP/multi.pte" --method double --input "$WORK/one_two.npy"
expect_out multi_double "output 0: tensor Float [2] = [2, 3]"

run get_scalar 0 --model "$NP/const_methods.pte" --method get_scalar
expect_out get_scalar "output 0: int 128"
run get_double 0 --model "$NP/const_methods.pte" --method get_double
expect_out get_double "output 0: double 2.5"
run get_bool 0 --model "$NP/const_methods.pte" --method get_bool
expect_out get_bool "output 0: bool true"
run get_tensor 0 --model "$NP/const_methods.pte" --method get_tensor --print all
expect_out get_tensor "output 0: tensor Long [3] = [1, 2, 3]"

run bundled 0 --model "$ET/bundled_program.bpte"
expect_out bundled "PASS"
if grep -q "^FAIL" "$WORK/bundled.out"; then fail "bundled: a test case failed"; fi

run info 0 --model "$NP/multi.pte" --info
expect_out info "method 'forward'"
expect_out info "method 'double'"
expect_out info "dim_order_ops::_to_dim_order_copy.out"
expect_out info "planned bytes total: 48"
expect_out info "method allocator bytes:"

run list_kernels 0 --list-kernels
expect_out list_kernels "aten::add.out"

# XNNPACK-delegated programs run on XnnpackBackend.
TWO='\000\000\000\100'
FIVE='\000\000\240\100'
ONE='\000\000\200\077'
write_f32_npy "$WORK/twos.npy" "$TWO" "$TWO" "$TWO"
write_f32_npy "$WORK/fives.npy" "$FIVE" "$FIVE" "$FIVE"
run xnnpack_add 0 --model "$NP/add.pte" --input "$WORK/twos.npy" --input "$WORK/fives.npy" --print all
expect_out xnnpack_add "output 0: tensor Float [3] = [7, 7, 7]"
write_f32_npy "$WORK/one1.npy" "$ONE"
write_f32_npy "$WORK/one4.npy" "$ONE" "$ONE" "$ONE" "$ONE"
run xnnpack_dynamic1 0 --model "$NP/dynamic.pte" --input "$WORK/one1.npy" --print all
expect_out xnnpack_dynamic1 "output 0: tensor Float [1] = [2]"
run xnnpack_dynamic4 0 --model "$NP/dynamic.pte" --input "$WORK/one4.npy" --print all
expect_out xnnpack_dynamic4 "output 0: tensor Float [4] = [2, 2, 2, 2]"
run xnnpack_dynamic8 0 --model "$NP/dynamic.pte" --print all
expect_out xnnpack_dynamic8 "output 0: tensor Float [8] = [2, 2, 2, 2, 2, 2, 2, 2]"
run xnnpack_quantized 0 --model "$NP/quantized.pte" --print summary
expect_out xnnpack_quantized "output 0: tensor Float [2, 8]"

run lstm 1 --model "$NP/lstm/lstm.pte"
expect_err lstm "etnp::lstm.out"

head -c 300 "$ET/add.pte" >"$WORK/truncated.pte"
run truncated 1 --model "$WORK/truncated.pte"
expect_err truncated "error: $WORK/truncated.pte:"
run missing_file 1 --model "$WORK/does-not-exist.pte"
run wrong_input_count 1 --model "$ET/add.pte" --input "$WORK/two.npy"
expect_err wrong_input_count "method 'forward':"

run usage_unknown 2 --model "$ET/add.pte" --bogus
expect_err usage_unknown "usage:"
run usage_missing_value 2 --model
run usage_bad_number 2 --model "$ET/add.pte" --iterations ten
run usage_no_model 2

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed"
  exit 1
fi
echo "all executor_runner checks passed"
