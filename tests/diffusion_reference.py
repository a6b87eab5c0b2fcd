"""An independent NumPy model of a seqmem diffusion file's Gaussian mixture (full covariances, no
Woodbury identity), for tests/test_diffusion_notebook.py: the forward kernel, the posterior over the
components, log p_t, the score and the mass on a square, from the file's own inputs."""

import math

import numpy as np


def kernel(t, sigma, T, gamma):
    """a(T - t) and s^2(T - t) of the forward process (VE: gamma = 0)."""
    tau = T - t
    a = math.exp(-gamma * tau)
    s2 = sigma ** 2 * tau if gamma == 0 else sigma ** 2 * (-math.expm1(-2 * gamma * tau)) / (2 * gamma)
    return a, s2


def kernel_at(t, a):
    """kernel(t, ...) of a run from its attributes a (process, sigma, T, gamma_v)."""
    return kernel(t, a["sigma"], a["T"], 0.0 if a["process"] == "ve" else a["gamma_v"])


class Mixture:
    """p_0 = sum_k pi_k N(mu_k, F_k F_k^T) of one run, carried to time t by the forward kernel."""

    def __init__(self, g, a):
        """g: the run's HDF5 group (h5py); a: its attributes as a dict (seqmem.attrs(g))."""
        self.means = g["means"][()]
        self.weights = g["component_weight"][()]
        self.labels = g["component_label"][()]
        self.factors = g["component_factor"][()] if "component_factor" in g else None
        self.sigma, self.T = float(a["sigma"]), float(a["T"])
        self.gamma = 0.0 if a["process"] == "ve" else float(a["gamma_v"])

    def _terms(self, X, t):
        a, s2 = kernel(t, self.sigma, self.T, self.gamma)
        X = np.atleast_2d(X)
        K, D = self.means.shape
        C = np.repeat(s2 * np.eye(D)[None], K, axis=0)
        if self.factors is not None:
            C = C + a * a * np.einsum("kir,kjr->kij", self.factors, self.factors)
        Cinv = np.linalg.inv(C)
        logdet = np.linalg.slogdet(2 * np.pi * C)[1]
        R = X[:, None, :] - a * self.means[None]
        CR = np.einsum("kij,mkj->mki", Cinv, R)
        l = np.log(self.weights)[None] - 0.5 * np.einsum("mki,mki->mk", R, CR) - 0.5 * logdet[None]
        return l, CR

    def posterior(self, X, t):
        """(M, K): p(k | x, t)."""
        l, _ = self._terms(X, t)
        w = np.exp(l - l.max(axis=1, keepdims=True))
        return w / w.sum(axis=1, keepdims=True)

    def log_density(self, X, t):
        l, _ = self._terms(X, t)
        m = l.max(axis=1)
        return m + np.log(np.exp(l - m[:, None]).sum(axis=1))

    def score(self, X, t):
        l, CR = self._terms(X, t)
        w = np.exp(l - l.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        return -np.einsum("mk,mki->mi", w, CR)

    def label_mass(self, W, labels):
        """(M, L): the posterior mass of each label."""
        return np.stack([W[:, self.labels == l].sum(axis=1) for l in labels], axis=1)

    def square_mass(self, t, half):
        """The exact mass of p_t in [-half, half]^2 (D = 2): per component, the x-marginal times the
        conditional probability of y, integrated over x with Simpson's rule on 4001 points."""
        from math import erf

        Phi = np.vectorize(lambda z: 0.5 * (1 + erf(z / math.sqrt(2))))
        a, s2 = kernel(t, self.sigma, self.T, self.gamma)
        x = np.linspace(-half, half, 4001)
        simpson = np.ones_like(x)
        simpson[1:-1:2], simpson[2:-1:2] = 4, 2
        simpson *= (x[1] - x[0]) / 3
        total = 0.0
        for k in range(len(self.weights)):
            C = s2 * np.eye(2)
            if self.factors is not None:
                C = C + a * a * self.factors[k] @ self.factors[k].T
            m = a * self.means[k]
            fx = np.exp(-(x - m[0]) ** 2 / (2 * C[0, 0])) / math.sqrt(2 * math.pi * C[0, 0])
            my = m[1] + C[0, 1] / C[0, 0] * (x - m[0])
            sy = math.sqrt(C[1, 1] - C[0, 1] ** 2 / C[0, 0])
            total += self.weights[k] * simpson @ (fx * (Phi((half - my) / sy) - Phi((-half - my) / sy)))
        return float(total)


def ve_flow_rk4(cue, Y, T, sig2, t0, u_end, du_max):
    """The VE probability flow of equally weighted point memories Y (K x D) from the cues (M x D) at
    t0, in u = log((T - t0) / (T - t)): dx/du = (Y w(x) - x) / 2 with w = softmax(-|x - y_n|^2 /
    (2 sigma^2 (T - t))), by classical RK4 with n = ceil(u_end / du_max) equal steps. Returns (x, n)."""
    n = int(math.ceil(u_end / du_max))
    du = u_end / n

    def f(x, u):
        z = -((x[:, None, :] - Y[None]) ** 2).sum(axis=2) / (2 * sig2 * (T - t0) * math.exp(-u))
        w = np.exp(z - z.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        return 0.5 * (w @ Y - x)

    x = cue.copy()
    for i in range(n):
        u = i * du
        k1 = f(x, u)
        k2 = f(x + 0.5 * du * k1, u + 0.5 * du)
        k3 = f(x + 0.5 * du * k2, u + 0.5 * du)
        k4 = f(x + du * k3, u + du)
        x = x + du / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x, n
