// SUNDIALS objects backed by Eigen code compiled with the project's flags: the serial N_Vector
// operations CVODE calls in every step, the dense SUNMatrix zero / copy / scale-add-identity, and
// a direct linear solver with Eigen's partial-pivoting LU.
//
// Why: Debian's libsundials 6.4.1+dfsg1-3 is compiled without optimisation (-O0: every loop
// variable lives on the stack, see `objdump -d libsundials_nvecserial.so`), so CVODE's own vector
// arithmetic and dense LU are several times slower than in an optimised build (measured in
// bench/bench_steps.cpp, section "cvode"). Operations not replaced keep Debian's code; CVODE
// calls them at most a few times per run.
#pragma once

#include <Eigen/Dense>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_linearsolver.h>
#include <sunmatrix/sunmatrix_dense.h>

namespace seqmem::cvode_eigen {

// Serial N_Vector and dense SUNMatrix data as Eigen objects (SUNDIALS' dense storage is column-major).
inline Eigen::Map<Eigen::VectorXd> vec(N_Vector v) { return {N_VGetArrayPointer_Serial(v), N_VGetLength_Serial(v)}; }
inline Eigen::Map<Eigen::MatrixXd> mat(SUNMatrix A) {
  return {SUNDenseMatrix_Data(A), SUNDenseMatrix_Rows(A), SUNDenseMatrix_Columns(A)};
}

// Replaces the per-step operations of a serial vector; call before any clone (CVODE's vectors are
// clones and copy these operations).
void install(N_Vector v);
// Replaces zero, copy, scale-add-identity and clone of a dense matrix.
void install(SUNMatrix A);
// A direct SUNLinearSolver on a dense SUNMatrix with Eigen's partial-pivoting LU.
SUNLinearSolver eigen_lu(SUNContext ctx);
// Max relative difference between the operations above and Debian's on random vectors.
double self_check(SUNContext ctx);

}  // namespace seqmem::cvode_eigen
