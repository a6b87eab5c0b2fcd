// Eigen-backed SUNDIALS operations (see cvode_eigen.hpp).
#include "sim/solvers/cvode_eigen.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace seqmem::cvode_eigen {
namespace {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

void linearsum(realtype a, N_Vector x, realtype b, N_Vector y, N_Vector z) { vec(z) = a * vec(x) + b * vec(y); }
void constant(realtype c, N_Vector z) { vec(z).setConstant(c); }
void scale(realtype c, N_Vector x, N_Vector z) { vec(z) = c * vec(x); }
void abs(N_Vector x, N_Vector z) { vec(z) = vec(x).cwiseAbs(); }
void inv(N_Vector x, N_Vector z) { vec(z) = vec(x).cwiseInverse(); }
void addconst(N_Vector x, realtype b, N_Vector z) { vec(z) = vec(x).array() + b; }
realtype wrmsnorm(N_Vector x, N_Vector w) {
  return std::sqrt(vec(x).cwiseProduct(vec(w)).squaredNorm() / static_cast<double>(vec(x).size()));
}
int linearcombination(int n, realtype* c, N_Vector* X, N_Vector z) {  // z = sum c_i X_i; X_0 may be z
  auto Z = vec(z);
  if (X[0] == z)
    Z *= c[0];
  else
    Z = c[0] * vec(X[0]);
  for (int i = 1; i < n; ++i) Z += c[i] * vec(X[i]);
  return 0;
}
int scaleaddmulti(int n, realtype* a, N_Vector x, N_Vector* Y, N_Vector* Z) {  // Z_i = a_i x + Y_i
  for (int i = 0; i < n; ++i) vec(Z[i]) = a[i] * vec(x) + vec(Y[i]);
  return 0;
}

SUNMatrix clone(SUNMatrix A) {
  SUNMatrix B = SUNMatClone_Dense(A);
  SUNMatCopyOps(A, B);
  return B;
}
int zero(SUNMatrix A) { return mat(A).setZero(), 0; }
int copy(SUNMatrix A, SUNMatrix B) { return mat(B) = mat(A), 0; }
int scaleaddi(realtype c, SUNMatrix A) {  // A = c A + I
  auto a = mat(A);
  a *= c;
  a.diagonal().array() += 1.0;
  return 0;
}

using LU = Eigen::PartialPivLU<Mat>;

}  // namespace

void install(N_Vector v) {
  N_Vector_Ops o = v->ops;
  o->nvlinearsum = linearsum;
  o->nvconst = constant;
  o->nvscale = scale;
  o->nvabs = abs;
  o->nvinv = inv;
  o->nvaddconst = addconst;
  o->nvwrmsnorm = wrmsnorm;
  o->nvlinearcombination = linearcombination;
  o->nvscaleaddmulti = scaleaddmulti;
}

void install(SUNMatrix A) {
  A->ops->clone = clone;
  A->ops->zero = zero;
  A->ops->copy = copy;
  A->ops->scaleaddi = scaleaddi;
}

SUNLinearSolver eigen_lu(SUNContext ctx) {
  SUNLinearSolver S = SUNLinSolNewEmpty(ctx);
  S->content = new LU;
  S->ops->gettype = [](SUNLinearSolver) { return SUNLINEARSOLVER_DIRECT; };
  S->ops->getid = [](SUNLinearSolver) { return SUNLINEARSOLVER_CUSTOM; };
  S->ops->initialize = [](SUNLinearSolver) { return SUNLS_SUCCESS; };
  S->ops->setup = [](SUNLinearSolver s, SUNMatrix A) {
    auto& lu = *static_cast<LU*>(s->content);
    lu.compute(mat(A));
    const auto d = lu.matrixLU().diagonal();
    return (d.array() == 0.0).any() || !d.allFinite() ? SUNLS_LUFACT_FAIL : SUNLS_SUCCESS;
  };
  S->ops->solve = [](SUNLinearSolver s, SUNMatrix, N_Vector x, N_Vector b, realtype) {
    vec(x) = static_cast<LU*>(s->content)->solve(vec(b));
    return SUNLS_SUCCESS;
  };
  S->ops->free = [](SUNLinearSolver s) {
    delete static_cast<LU*>(s->content);
    s->content = nullptr;
    SUNLinSolFreeEmpty(s);
    return 0;
  };
  return S;
}

double self_check(SUNContext ctx) {
  const sunindextype n = 200;
  N_Vector deb[5], our[5];  // x, y, w, z1, z2
  for (int i = 0; i < 5; ++i) {
    deb[i] = N_VNew_Serial(n, ctx);
    our[i] = N_VClone(deb[i]);  // its own copy of Debian's ops
    install(our[i]);
  }
  realtype c[3] = {0.5, -1.5, 2.0};
  const std::function<double(N_Vector*)> ops[] = {
      [](N_Vector* v) { N_VLinearSum(0.3, v[0], -1.7, v[1], v[3]); return 0.0; },
      [](N_Vector* v) { N_VConst(0.7, v[3]); return 0.0; },
      [](N_Vector* v) { N_VScale(-2.5, v[0], v[3]); return 0.0; },
      [](N_Vector* v) { N_VAbs(v[1], v[3]); return 0.0; },
      [](N_Vector* v) { N_VInv(v[1], v[3]); return 0.0; },
      [](N_Vector* v) { N_VAddConst(v[0], 0.7, v[3]); return 0.0; },
      [](N_Vector* v) { return N_VWrmsNorm(v[1], v[2]); },
      [&](N_Vector* v) { N_VLinearCombination(3, c, v, v[3]); return 0.0; },
      [&](N_Vector* v) {
        N_Vector X[3] = {v[3], v[1], v[2]};  // in place: z = c_0 z + c_1 y + c_2 w
        N_VLinearCombination(3, c, X, v[3]);
        return 0.0;
      },
      [&](N_Vector* v) { N_VScaleAddMulti(2, c, v[0], v + 1, v + 3); return 0.0; },
  };
  double err = 0;
  for (const auto& op : ops) {
    for (int i = 0; i < 5; ++i)  // y in [-2.5, -0.5], the others in [0.5, 2.5]
      vec(our[i]) = vec(deb[i]) = Vec::Random(n).array() + (i == 1 ? -1.5 : 1.5);
    const double a = op(deb), b = op(our);
    err = std::max(err, std::abs(a - b) / std::max(1e-300, std::abs(a)));
    for (int i = 0; i < 5; ++i)
      err = std::max(err, (vec(deb[i]) - vec(our[i])).cwiseAbs().maxCoeff() / vec(deb[i]).cwiseAbs().maxCoeff());
  }
  for (int i = 0; i < 5; ++i) N_VDestroy(deb[i]), N_VDestroy(our[i]);
  return err;
}

}  // namespace seqmem::cvode_eigen
